/**
 * Alibaba Cloud region ids accepted in the `ecs-event-ops` context, with their UTC offset in hours
 * (used to render times for operators in the region's local time).
 *
 * Source: "Regions and zones", https://www.alibabacloud.com/help/en/ecs/user-guide/regions-and-zones
 * (public regions; finance and government clouds are left out on purpose: they need their own endpoints).
 * Add a region here, with a test, when Alibaba Cloud opens one.
 */
export const KNOWN_REGIONS: Readonly<Record<string, { readonly utcOffsetHours: number; readonly city: string }>> = {
  'cn-qingdao': { utcOffsetHours: 8, city: 'Qingdao' },
  'cn-beijing': { utcOffsetHours: 8, city: 'Beijing' },
  'cn-zhangjiakou': { utcOffsetHours: 8, city: 'Zhangjiakou' },
  'cn-huhehaote': { utcOffsetHours: 8, city: 'Hohhot' },
  'cn-wulanchabu': { utcOffsetHours: 8, city: 'Ulanqab' },
  'cn-hangzhou': { utcOffsetHours: 8, city: 'Hangzhou' },
  'cn-shanghai': { utcOffsetHours: 8, city: 'Shanghai' },
  'cn-nanjing': { utcOffsetHours: 8, city: 'Nanjing' },
  'cn-fuzhou': { utcOffsetHours: 8, city: 'Fuzhou' },
  'cn-wuhan-lr': { utcOffsetHours: 8, city: 'Wuhan' },
  'cn-shenzhen': { utcOffsetHours: 8, city: 'Shenzhen' },
  'cn-heyuan': { utcOffsetHours: 8, city: 'Heyuan' },
  'cn-guangzhou': { utcOffsetHours: 8, city: 'Guangzhou' },
  'cn-chengdu': { utcOffsetHours: 8, city: 'Chengdu' },
  'cn-hongkong': { utcOffsetHours: 8, city: 'Hong Kong' },
  'ap-northeast-1': { utcOffsetHours: 9, city: 'Tokyo' },
  'ap-northeast-2': { utcOffsetHours: 9, city: 'Seoul' },
  'ap-southeast-1': { utcOffsetHours: 8, city: 'Singapore' },
  'ap-southeast-3': { utcOffsetHours: 8, city: 'Kuala Lumpur' },
  'ap-southeast-5': { utcOffsetHours: 7, city: 'Jakarta' },
  'ap-southeast-6': { utcOffsetHours: 8, city: 'Manila' },
  'ap-southeast-7': { utcOffsetHours: 7, city: 'Bangkok' },
  'us-east-1': { utcOffsetHours: -5, city: 'Virginia' },
  'us-west-1': { utcOffsetHours: -8, city: 'Silicon Valley' },
  'na-south-1': { utcOffsetHours: -6, city: 'Mexico' },
  'eu-west-1': { utcOffsetHours: 0, city: 'London' },
  'eu-central-1': { utcOffsetHours: 1, city: 'Frankfurt' },
  'me-east-1': { utcOffsetHours: 4, city: 'Dubai' },
  'me-central-1': { utcOffsetHours: 3, city: 'Riyadh' },
};

/** The region ids, in the order above. */
export const REGION_IDS: readonly string[] = Object.keys(KNOWN_REGIONS);

/** The region deployed when the context names none. */
export const DEFAULT_REGION = 'cn-hangzhou';
