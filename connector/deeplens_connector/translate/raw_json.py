"""protobuf -> JSON dict, the same as `MessageToDict(message)` (json names, int64 as strings, bytes
as base64, enum names, shortest floats), ~8x faster: one plan per message type (each field's JSON
name and converter) instead of the printer's per-field checks.

Types the plan does not cover (well-known types, maps, extensions, an enum with a JSON name option,
an enum number without a name) go to MessageToDict itself, so the answer is always its answer.
Secret keys are left out below the top level, as MessageToDict + content._without_secrets did.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any

from google.protobuf import descriptor_pool  # type: ignore[import-untyped]
from google.protobuf.descriptor import FieldDescriptor  # type: ignore[import-untyped]
from google.protobuf.internal import type_checkers  # type: ignore[import-untyped]
from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]

Convert = Callable[[Any], Any]
Plan = dict[Any, tuple[str, Convert]]  # FieldDescriptor -> (JSON name, value converter)


class _NotPlanned(Exception):
    """A value the plan cannot convert like MessageToDict: the whole message goes to it."""


class JsonDicts:
    """`convert(message)` == MessageToDict(message) with `secret_keys` removed below the top level."""

    def __init__(self, secret_keys: frozenset[str] = frozenset()) -> None:
        self._secret_keys = secret_keys
        self._plans: dict[str, Plan | None] = {}  # message full name -> plan (None: MessageToDict)

    def convert(self, message: Any, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
        """`leave_out`: top-level JSON names not wanted (secret keys are left out only below it)."""
        plan = self._plan_of(message.DESCRIPTOR)
        if plan is not None:
            try:
                return _convert(message, plan, leave_out)
            except _NotPlanned:
                pass
        raw: dict[str, Any] = MessageToDict(message, preserving_proto_field_name=False)
        return {key: _without(value, self._secret_keys) for key, value in raw.items() if key not in leave_out}

    def _plan_of(self, descriptor: Any) -> Plan | None:
        """The plan of a message type; None when some type reachable from it is not plannable."""
        if descriptor.full_name not in self._plans:
            self._build(descriptor)
        return self._plans[descriptor.full_name]

    def _build(self, root: Any) -> None:
        """Plans for `root` and every message type reachable from it (recursive types included)."""
        reachable = _reachable(root)
        plannable = all(_plannable(descriptor) for descriptor in reachable.values())
        plans: dict[str, Plan] = {name: {} for name in reachable}
        for name, descriptor in reachable.items():
            if name in self._plans:
                continue
            self._plans[name] = plans[name] if plannable else None
            if plannable:
                for field in descriptor.fields:
                    plans[name][field] = (field.json_name, self._converter(field, plans))

    def _converter(self, field: Any, plans: dict[str, Plan]) -> Convert:
        convert = self._scalar(field, plans)
        if field.is_repeated:
            return lambda values: [convert(value) for value in values]
        return convert

    def _scalar(self, field: Any, plans: dict[str, Plan]) -> Convert:
        if field.cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
            plan, skip = plans[field.message_type.full_name], self._secret_keys
            return lambda value: _convert(value, plan, skip)
        return _scalar(field)


def _convert(message: Any, plan: Plan, skip: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, value in message.ListFields():
        entry = plan.get(field)
        if entry is None:
            raise _NotPlanned
        name, convert = entry
        if name not in skip:
            out[name] = convert(value)
    return out


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: _without(item, keys) for key, item in value.items() if key not in keys}
    if isinstance(value, list):
        return [_without(item, keys) for item in value]
    return value


_INT64 = frozenset({FieldDescriptor.CPPTYPE_INT64, FieldDescriptor.CPPTYPE_UINT64})
_FLOATS = frozenset({FieldDescriptor.CPPTYPE_FLOAT, FieldDescriptor.CPPTYPE_DOUBLE})


def _reachable(root: Any) -> dict[str, Any]:
    pending, seen = [root], {root.full_name: root}
    while pending:
        descriptor = pending.pop()
        for field in descriptor.fields:
            if field.message_type is not None and field.message_type.full_name not in seen:
                seen[field.message_type.full_name] = field.message_type
                pending.append(field.message_type)
    return seen


def _plannable(descriptor: Any) -> bool:
    if descriptor.full_name.startswith("google.protobuf.") or descriptor.GetOptions().map_entry:
        return False
    if descriptor.extension_ranges:
        return False
    has_enum = any(field.enum_type is not None for field in descriptor.fields)
    return not (has_enum and _enum_json_option())


def _enum_json_option() -> bool:
    """MessageToDict names enum values by this option when it is registered."""
    try:
        descriptor_pool.Default().FindExtensionByName("pb.enumvalue.json")
    except KeyError:
        return False
    return True


def _scalar(field: Any) -> Convert:
    cpp = field.cpp_type
    if cpp == FieldDescriptor.CPPTYPE_ENUM:
        return _enum(field)
    if cpp == FieldDescriptor.CPPTYPE_STRING:
        return _base64 if field.type == FieldDescriptor.TYPE_BYTES else str
    if cpp == FieldDescriptor.CPPTYPE_BOOL:
        return bool
    if cpp in _INT64:
        return str
    if cpp in _FLOATS:
        return _float if cpp == FieldDescriptor.CPPTYPE_FLOAT else _double
    return _same


def _enum(field: Any) -> Convert:
    names = {value.number: value.name for value in field.enum_type.values}

    def name_of(number: int) -> Any:
        name = names.get(number)
        if name is None:
            raise _NotPlanned  # MessageToDict raises for a closed enum, or prints the number
        return name

    return name_of


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("utf-8")


def _special(value: float) -> str | None:
    if math.isinf(value):
        return "-Infinity" if value < 0.0 else "Infinity"
    return "NaN" if math.isnan(value) else None


def _double(value: float) -> Any:
    special = _special(value)
    return value if special is None else special


def _float(value: float) -> Any:
    special = _special(value)
    return type_checkers.ToShortestFloat(value) if special is None else special


def _same(value: Any) -> Any:
    return value
