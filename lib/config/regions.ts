/**
 * Alibaba Cloud region ids accepted in the `ecs-event-ops` context, with the IANA time zone of the region's city
 * (alerts show times in UTC and in that zone, daylight saving included).
 *
 * Source: "Regions and zones", https://www.alibabacloud.com/help/en/ecs/user-guide/regions-and-zones
 * (public regions; finance and government clouds are left out on purpose: they need their own endpoints).
 * Add a region here, with a test, when Alibaba Cloud opens one.
 */
export const KNOWN_REGIONS: Readonly<Record<string, { readonly timeZone: string; readonly city: string }>> = {
  'cn-qingdao': { timeZone: 'Asia/Shanghai', city: 'Qingdao' },
  'cn-beijing': { timeZone: 'Asia/Shanghai', city: 'Beijing' },
  'cn-zhangjiakou': { timeZone: 'Asia/Shanghai', city: 'Zhangjiakou' },
  'cn-huhehaote': { timeZone: 'Asia/Shanghai', city: 'Hohhot' },
  'cn-wulanchabu': { timeZone: 'Asia/Shanghai', city: 'Ulanqab' },
  'cn-hangzhou': { timeZone: 'Asia/Shanghai', city: 'Hangzhou' },
  'cn-shanghai': { timeZone: 'Asia/Shanghai', city: 'Shanghai' },
  'cn-nanjing': { timeZone: 'Asia/Shanghai', city: 'Nanjing' },
  'cn-fuzhou': { timeZone: 'Asia/Shanghai', city: 'Fuzhou' },
  'cn-wuhan-lr': { timeZone: 'Asia/Shanghai', city: 'Wuhan' },
  'cn-shenzhen': { timeZone: 'Asia/Shanghai', city: 'Shenzhen' },
  'cn-heyuan': { timeZone: 'Asia/Shanghai', city: 'Heyuan' },
  'cn-guangzhou': { timeZone: 'Asia/Shanghai', city: 'Guangzhou' },
  'cn-chengdu': { timeZone: 'Asia/Shanghai', city: 'Chengdu' },
  'cn-hongkong': { timeZone: 'Asia/Hong_Kong', city: 'Hong Kong' },
  'ap-northeast-1': { timeZone: 'Asia/Tokyo', city: 'Tokyo' },
  'ap-northeast-2': { timeZone: 'Asia/Seoul', city: 'Seoul' },
  'ap-southeast-1': { timeZone: 'Asia/Singapore', city: 'Singapore' },
  'ap-southeast-3': { timeZone: 'Asia/Kuala_Lumpur', city: 'Kuala Lumpur' },
  'ap-southeast-5': { timeZone: 'Asia/Jakarta', city: 'Jakarta' },
  'ap-southeast-6': { timeZone: 'Asia/Manila', city: 'Manila' },
  'ap-southeast-7': { timeZone: 'Asia/Bangkok', city: 'Bangkok' },
  'us-east-1': { timeZone: 'America/New_York', city: 'Virginia' },
  'us-west-1': { timeZone: 'America/Los_Angeles', city: 'Silicon Valley' },
  'na-south-1': { timeZone: 'America/Mexico_City', city: 'Mexico' },
  'eu-west-1': { timeZone: 'Europe/London', city: 'London' },
  'eu-central-1': { timeZone: 'Europe/Berlin', city: 'Frankfurt' },
  'me-east-1': { timeZone: 'Asia/Dubai', city: 'Dubai' },
  'me-central-1': { timeZone: 'Asia/Riyadh', city: 'Riyadh' },
};

/** The region ids, in the order above. */
export const REGION_IDS: readonly string[] = Object.keys(KNOWN_REGIONS);

/** The region deployed when the context names none. */
export const DEFAULT_REGION = 'cn-hangzhou';
