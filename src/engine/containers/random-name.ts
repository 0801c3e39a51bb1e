import { randomInt } from 'node:crypto';

// Docker names containers adjective_surname; berth uses its own words.
const ADJECTIVES = [
  'agile', 'amber', 'bold', 'brave', 'bright', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'daring', 'deft', 'eager',
  'earnest', 'fair', 'fearless', 'fleet', 'gentle', 'glad', 'golden', 'happy', 'hardy', 'humble', 'jolly', 'keen', 'kind',
  'lively', 'loyal', 'lucid', 'merry', 'mighty', 'nimble', 'noble', 'patient', 'plucky', 'proud', 'quiet', 'quick',
  'radiant', 'serene', 'sharp', 'silent', 'steady', 'stoic', 'sunny', 'swift', 'tidy', 'trusty', 'vivid', 'wise', 'witty', 'zesty',
];
const NAMES = [
  'anchor', 'barge', 'beacon', 'bosun', 'buoy', 'cabin', 'capstan', 'cargo', 'channel', 'clipper', 'compass', 'corsair',
  'current', 'dinghy', 'dock', 'ferry', 'frigate', 'galley', 'harbor', 'helm', 'hull', 'jetty', 'keel', 'ketch', 'lagoon',
  'lantern', 'mariner', 'mast', 'mooring', 'narwhal', 'navigator', 'oar', 'pier', 'pilot', 'quay', 'rudder', 'schooner',
  'sextant', 'skiff', 'sloop', 'starboard', 'tide', 'tugboat', 'voyager', 'wharf', 'yacht', 'yawl',
];

export function randomName(taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    let name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NAMES[randomInt(NAMES.length)]}`;
    if (i > 10) name += randomInt(10);
    if (!taken(name)) return name;
  }
}
