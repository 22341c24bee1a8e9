"""The message columns of the timeline's system entries (domain/timeline.py), appended to
message_queries.MESSAGE_COLUMNS where `m` is the message row: a group change's members with their
canonical JIDs and names (a LID through jid_aliases), and a call entry's folded `calls` row."""

from __future__ import annotations

_NAME = "coalesce(ct.full_name, ct.push_name, ct.business_name)"

TIMELINE_COLUMNS = f"""
CASE WHEN m.message_type = 'system' THEN
  (SELECT coalesce(jsonb_agg(jsonb_build_object('jid', coalesce(a.canonical_jid, p.jid), 'name', {_NAME})
                             ORDER BY p.n), '[]')
   FROM jsonb_array_elements_text(m.content -> 'system' -> 'participants') WITH ORDINALITY AS p(jid, n)
   LEFT JOIN jid_aliases a ON a.session_id = m.session_id AND a.alias_jid = p.jid
   LEFT JOIN contacts ct ON ct.session_id = m.session_id AND ct.jid = coalesce(a.canonical_jid, p.jid))
END AS system_members,
CASE WHEN m.message_type = 'call' THEN
  (SELECT jsonb_build_object('call_id', cl.call_id, 'is_video', cl.is_video, 'is_group', cl.is_group,
                             'from_me', cl.from_me, 'result', cl.result, 'accepted_at', cl.accepted_at,
                             'ended_at', cl.ended_at, 'duration_s', cl.duration_s)
   FROM calls cl WHERE cl.session_id = m.session_id AND cl.call_id = m.content -> 'call' ->> 'call_id')
END AS call_row
"""
