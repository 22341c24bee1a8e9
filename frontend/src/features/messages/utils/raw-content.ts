// Readers for the raw WhatsApp message (protobuf as JSON, camelCase) the API returns as `content`.
// Every field is optional there, so each reader checks types and returns null when it finds nothing.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
};

/** The typed message inside wrappers (view once, ephemeral, edits carry the same shapes). */
function unwrap(content: Json | null): Json | null {
  if (!content) return null;
  for (const wrapper of ['viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'ephemeralMessage']) {
    const inner = content[wrapper];
    if (isObject(inner) && isObject(inner.message)) return unwrap(inner.message);
  }
  return content;
}

function field(content: Json | null, ...names: string[]): Json | null {
  const message = unwrap(content);
  for (const name of names) {
    const value = message?.[name];
    if (isObject(value)) return value;
  }
  return null;
}

export interface LocationInfo {
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
  live: boolean;
}

export function locationOf(content: Json | null): LocationInfo | null {
  const live = field(content, 'liveLocationMessage');
  const location = field(content, 'locationMessage') ?? live;
  const latitude = num(location?.degreesLatitude);
  const longitude = num(location?.degreesLongitude);
  if (!location || latitude === null || longitude === null) return null;
  return { latitude, longitude, name: str(location.name), address: str(location.address), live: live !== null };
}

export function mapLink({ latitude, longitude }: LocationInfo): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
}

export interface ContactInfo {
  name: string;
  phones: string[];
}

function vcardField(vcard: string, key: string): string[] {
  return vcard
    .split(/\r?\n/)
    .filter((line) => line.toUpperCase().startsWith(key))
    .map((line) => line.slice(line.indexOf(':') + 1).trim())
    .filter(Boolean);
}

function contactFrom(card: Json): ContactInfo | null {
  const vcard = str(card.vcard) ?? '';
  const name = str(card.displayName) ?? vcardField(vcard, 'FN')[0] ?? null;
  if (!name && !vcard) return null;
  return { name: name ?? 'Contact', phones: vcardField(vcard, 'TEL') };
}

export function contactsOf(content: Json | null): ContactInfo[] {
  const single = field(content, 'contactMessage');
  if (single) return [contactFrom(single)].filter((c): c is ContactInfo => c !== null);
  const many = field(content, 'contactsArrayMessage')?.contacts;
  if (!Array.isArray(many)) return [];
  return many
    .filter(isObject)
    .map(contactFrom)
    .filter((c): c is ContactInfo => c !== null);
}

export interface PollInfo {
  question: string;
  options: string[];
  selectableCount: number;
}

export function pollOf(content: Json | null): PollInfo | null {
  const poll = field(content, 'pollCreationMessageV3', 'pollCreationMessageV2', 'pollCreationMessage');
  if (!poll) return null;
  const options = Array.isArray(poll.options)
    ? poll.options
        .map((option) => (isObject(option) ? str(option.optionName) : null))
        .filter((o): o is string => o !== null)
    : [];
  return { question: str(poll.name) ?? 'Poll', options, selectableCount: num(poll.selectableOptionsCount) ?? 0 };
}

export interface MessageMarkers {
  viewOnce: boolean;
  ephemeral: boolean;
}

export function markersOf(content: Json | null): MessageMarkers {
  if (!content) return { viewOnce: false, ephemeral: false };
  const wrapped = ['viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension'].some((key) => key in content);
  const inner = unwrap(content);
  const typed = inner ? Object.values(inner).filter(isObject) : [];
  return {
    viewOnce: wrapped || typed.some((value) => value.viewOnce === true),
    ephemeral: 'ephemeralMessage' in content,
  };
}
