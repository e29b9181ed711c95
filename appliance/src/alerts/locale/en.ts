/**
 * Every text the appliance sends, in English: alert messages (Telegram, MQTT), the Telegram test
 * message, scheduled reports (PDF, caption, CSV headers). ru.ts has the same keys with the same
 * {placeholders} (the compiler checks the keys, appliance/test/i18n-keys.test.ts the placeholders);
 * class names are in class-names.ts.
 */
export const en = {
  'alert.occupancy': '{camera}: {count} {class} in zone "{zone}" for over {seconds} s (limit {limit})',
  'alert.loitering': '{camera}: {class} #{track} has stayed in zone "{zone}" for {seconds} s',
  'alert.line_count': '{camera}: {count} crossings of line "{line}" in {seconds} s (limit {limit})',
  'alert.presence': '{camera}: {class} in zone "{zone}" during {from}–{to}',
  'alert.camera_offline': 'Camera {camera} has been offline for {seconds} s',
  'alert.queue_length': '{camera}: {count} waiting in queue "{zone}" for over {seconds} s (limit {limit})',
  'alert.queue_wait': '{camera}: the wait in queue "{zone}" is about {seconds} s (limit {limit} s)',
  'alert.capacity': '{camera}: {where} is at {percent}% of capacity ({count}), limit {limit}%',
  'alert.capacity.area': 'area "{area}"',
  'alert.capacity.zone': 'zone "{zone}"',
  'alert.speeding': '{camera}: {class} #{track}{where} at {speed} m/s (limit {limit} m/s)',
  'alert.speeding.zone': ' in zone "{zone}"',
  'alert.test': 'Vantage{site}: alerts are connected to this chat.',

  'report.title.day': 'Daily report',
  'report.title.week': 'Weekly report',
  'report.title.month': 'Monthly report',
  'report.period': 'Period',
  'report.timeZone': 'time zone',
  'report.generated': 'Generated',
  'report.totals': 'Totals',
  'report.entries': 'Zone entries',
  'report.exits': 'Zone exits',
  'report.in': 'In (line)',
  'report.out': 'Out (line)',
  'report.arrivals': 'Arrivals (entries + in)',
  'report.departures': 'Departures (exits + out)',
  'report.vsPrevious.day': 'vs. the day before',
  'report.vsPrevious.week': 'vs. the week before',
  'report.vsPrevious.month': 'vs. the month before',
  'report.vsWeek': 'vs. the same time a week before',
  'report.vsWeeks': 'vs. the same time {n} weeks before',
  'report.peakHour': 'Peak hour',
  'report.busiestZone': 'Busiest zone',
  'report.none': '—',
  'report.countsOverTime': 'Arrivals and departures over time',
  'report.inOutBars': 'In / out',
  'report.heatmap': 'Presence heatmap',
  'report.dayHour': 'Average arrivals per weekday and hour',
  'report.weekday.1': 'Mon',
  'report.weekday.2': 'Tue',
  'report.weekday.3': 'Wed',
  'report.weekday.4': 'Thu',
  'report.weekday.5': 'Fri',
  'report.weekday.6': 'Sat',
  'report.weekday.7': 'Sun',
} as const;

export type MessageKey = keyof typeof en;
