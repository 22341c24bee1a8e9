import { describe, expect, it } from 'vitest';
import { contactsOf, locationOf, mapLink, markersOf, pollOf } from '@/features/messages/utils/raw-content';

const VCARD =
  'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nTEL;type=CELL:+49 151 1111\r\nTEL:+49 30 2222\r\nEND:VCARD';

describe('locationOf', () => {
  it('reads a location, also inside a view-once or ephemeral wrapper, numbers given as strings too', () => {
    const location = { degreesLatitude: 52.52, degreesLongitude: '13.405', name: 'Berlin', address: '' };
    const expected = { latitude: 52.52, longitude: 13.405, name: 'Berlin', address: null, live: false };
    expect(locationOf({ locationMessage: location })).toEqual(expected);
    expect(
      locationOf({ ephemeralMessage: { message: { viewOnceMessage: { message: { locationMessage: location } } } } }),
    ).toEqual(expected);
  });

  it('marks a live location, and finds nothing without both coordinates', () => {
    expect(locationOf({ liveLocationMessage: { degreesLatitude: 1, degreesLongitude: 2 } })?.live).toBe(true);
    expect(locationOf({ locationMessage: { degreesLatitude: 1 } })).toBeNull();
    expect(locationOf({ locationMessage: { degreesLatitude: 'north', degreesLongitude: 2 } })).toBeNull();
    expect(locationOf({ locationMessage: [] })).toBeNull();
    expect(locationOf(null)).toBeNull();
  });

  it('links to the map at the point', () => {
    const link = mapLink({ latitude: 52.5, longitude: 13.4, name: null, address: null, live: false });
    expect(link).toBe('https://www.openstreetmap.org/?mlat=52.5&mlon=13.4#map=16/52.5/13.4');
  });
});

describe('contactsOf', () => {
  it('reads one shared contact: its display name and every phone of its vCard', () => {
    expect(contactsOf({ contactMessage: { displayName: 'Anna', vcard: VCARD } })).toEqual([
      { name: 'Anna', phones: ['+49 151 1111', '+49 30 2222'] },
    ]);
  });

  it('falls back to the vCard name, then to "Contact", and skips an empty card', () => {
    expect(contactsOf({ contactMessage: { vcard: VCARD } })[0]?.name).toBe('Anna Schmidt');
    expect(contactsOf({ contactMessage: { vcard: 'BEGIN:VCARD\nTEL:1\nEND:VCARD' } })).toEqual([
      { name: 'Contact', phones: ['1'] },
    ]);
    expect(contactsOf({ contactMessage: {} })).toEqual([]);
  });

  it('reads a list of contacts, leaving out entries that are not objects or are empty', () => {
    const contacts = [{ displayName: 'A', vcard: '' }, 'junk', {}, { displayName: 'B' }];
    expect(contactsOf({ contactsArrayMessage: { contacts } }).map((c) => c.name)).toEqual(['A', 'B']);
    expect(contactsOf({ contactsArrayMessage: { contacts: 'nope' } })).toEqual([]);
    expect(contactsOf({ conversation: 'hi' })).toEqual([]);
  });
});

describe('pollOf', () => {
  it('reads the newest poll version first, with its options and how many may be chosen', () => {
    const poll = {
      pollCreationMessageV3: {
        name: 'Lunch?',
        options: [{ optionName: 'Pizza' }, { optionName: '' }, 'junk', { optionName: 'Soup' }],
        selectableOptionsCount: '1',
      },
      pollCreationMessage: { name: 'older' },
    };
    expect(pollOf(poll)).toEqual({ question: 'Lunch?', options: ['Pizza', 'Soup'], selectableCount: 1 });
  });

  it('names an unnamed poll "Poll" and finds none in other messages', () => {
    expect(pollOf({ pollCreationMessage: {} })).toEqual({ question: 'Poll', options: [], selectableCount: 0 });
    expect(pollOf({ conversation: 'hi' })).toBeNull();
  });
});

describe('markersOf', () => {
  it('sees view-once from the wrapper or the flag on the typed message, ephemeral from its wrapper', () => {
    expect(markersOf({ viewOnceMessageV2: { message: { imageMessage: {} } } })).toEqual({
      viewOnce: true,
      ephemeral: false,
    });
    expect(markersOf({ imageMessage: { viewOnce: true } })).toEqual({ viewOnce: true, ephemeral: false });
    expect(markersOf({ ephemeralMessage: { message: { conversation: 'x' } } })).toEqual({
      viewOnce: false,
      ephemeral: true,
    });
  });

  it('finds no marker on a plain message or no content', () => {
    expect(markersOf({ imageMessage: { viewOnce: false } })).toEqual({ viewOnce: false, ephemeral: false });
    expect(markersOf(null)).toEqual({ viewOnce: false, ephemeral: false });
  });
});
