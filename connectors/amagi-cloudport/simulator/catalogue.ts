/** The simulated account's channels: each feed has a primary and a backup headend in different regions. */
export type Role = 'primary' | 'backup';
export const PLAYER_STATUSES = ['running', 'stopped', 'starting', 'stopping'] as const;
export const PLAYOUT_STATUSES = ['media', 'live', 'rescue', 'slate', 'idle', 'off', null] as const;
export type PlayerStatus = (typeof PLAYER_STATUSES)[number];
export type PlayoutStatus = (typeof PLAYOUT_STATUSES)[number];
export type Health = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface Headend {
  code: string;
  feed: string;
  name: string;
  region: string;
  role: Role;
  onAir: boolean;
  player: PlayerStatus;
  playout: PlayoutStatus;
  agent: 0 | 1;
  version: string;
  updatedAt: number;
  /** While a Fix runs: when the player is back. */
  fixDoneAt?: number;
}

interface FeedSpec {
  code: string;
  title: string;
  regions: [string, string];
}

const FEEDS: readonly FeedSpec[] = [
  { code: 'news', title: 'News', regions: ['aws-use1', 'aws-euw1'] },
  { code: 'sports', title: 'Sports', regions: ['aws-usw2', 'aws-use1'] },
  { code: 'movies', title: 'Movies', regions: ['gcp-euw4', 'aws-euw1'] },
  { code: 'kids', title: 'Kids', regions: ['aws-aps1', 'aws-apse2'] },
  { code: 'music', title: 'Music', regions: ['aws-euc1', 'gcp-use4'] },
  { code: 'weather', title: 'Weather', regions: ['aws-use2', 'aws-usw2'] },
];

export const MAX_FEEDS = FEEDS.length;

/** The headends of the first `count` feeds of `customer`, all healthy, primaries on air. */
export function buildHeadends(customer: string, count: number, now: number): Headend[] {
  const brand = customer.charAt(0).toUpperCase() + customer.slice(1);
  return FEEDS.slice(0, count).flatMap((spec, index) => {
    const feed = `${customer}_${spec.code}`;
    const make = (role: Role, ordinal: number): Headend => ({
      code: `${feed}_00${ordinal}`,
      feed,
      name: `${brand} ${spec.title} ${role === 'primary' ? 'Main' : 'Backup'}`,
      region: spec.regions[ordinal - 1],
      role,
      onAir: role === 'primary',
      player: 'running',
      playout: 'media',
      agent: 1,
      version: `v8.20.${38 + index}-1`,
      updatedAt: now,
    });
    return [make('primary', 1), make('backup', 2)];
  });
}

/** Health as the service derives it from a headend's state. */
export function healthOf(headend: Headend): Health {
  if (headend.agent === 0) return 'unknown';
  if (headend.player === 'stopped' || headend.playout === 'off') return 'unhealthy';
  if (headend.player !== 'running' || headend.playout === 'rescue' || headend.playout === 'slate') return 'degraded';
  return 'healthy';
}
