import type { AlertRule } from './rules.js';

export type Language = 'en' | 'ru';

/** What a firing found, in numbers; the message is written from these. */
export interface FiringDetails {
  camera: string;
  cameraName: string;
  zone?: string;
  line?: string;
  className?: string;
  count?: number;
  seconds?: number;
  trackId?: number;
  // Queues, capacity and speed (issue 18):
  area?: string;
  /** % of capacity. */
  percent?: number;
  /** m/s. */
  speed?: number;
}

/** Class names in Russian: every class of the bundled COCO models (both spellings where models differ). */
const RU_CLASSES: Record<string, string> = {
  person: 'человек',
  bicycle: 'велосипед',
  car: 'автомобиль',
  motorbike: 'мотоцикл',
  motorcycle: 'мотоцикл',
  aeroplane: 'самолёт',
  airplane: 'самолёт',
  bus: 'автобус',
  train: 'поезд',
  truck: 'грузовик',
  boat: 'лодка',
  'traffic light': 'светофор',
  'fire hydrant': 'гидрант',
  'stop sign': 'знак «стоп»',
  'parking meter': 'паркомат',
  bench: 'скамейка',
  bird: 'птица',
  cat: 'кошка',
  dog: 'собака',
  horse: 'лошадь',
  sheep: 'овца',
  cow: 'корова',
  elephant: 'слон',
  bear: 'медведь',
  zebra: 'зебра',
  giraffe: 'жираф',
  backpack: 'рюкзак',
  umbrella: 'зонт',
  handbag: 'сумка',
  tie: 'галстук',
  suitcase: 'чемодан',
  frisbee: 'фрисби',
  skis: 'лыжи',
  snowboard: 'сноуборд',
  'sports ball': 'мяч',
  kite: 'воздушный змей',
  'baseball bat': 'бейсбольная бита',
  'baseball glove': 'бейсбольная перчатка',
  skateboard: 'скейтборд',
  surfboard: 'доска для сёрфинга',
  'tennis racket': 'теннисная ракетка',
  bottle: 'бутылка',
  'wine glass': 'бокал',
  cup: 'чашка',
  fork: 'вилка',
  knife: 'нож',
  spoon: 'ложка',
  bowl: 'миска',
  banana: 'банан',
  apple: 'яблоко',
  sandwich: 'бутерброд',
  orange: 'апельсин',
  broccoli: 'брокколи',
  carrot: 'морковь',
  'hot dog': 'хот-дог',
  pizza: 'пицца',
  donut: 'пончик',
  cake: 'торт',
  chair: 'стул',
  sofa: 'диван',
  couch: 'диван',
  pottedplant: 'растение в горшке',
  'potted plant': 'растение в горшке',
  bed: 'кровать',
  diningtable: 'обеденный стол',
  'dining table': 'обеденный стол',
  toilet: 'унитаз',
  tvmonitor: 'телевизор',
  tv: 'телевизор',
  laptop: 'ноутбук',
  mouse: 'мышь',
  remote: 'пульт',
  keyboard: 'клавиатура',
  'cell phone': 'телефон',
  microwave: 'микроволновка',
  oven: 'духовка',
  toaster: 'тостер',
  sink: 'раковина',
  refrigerator: 'холодильник',
  book: 'книга',
  clock: 'часы',
  vase: 'ваза',
  scissors: 'ножницы',
  'teddy bear': 'плюшевый мишка',
  'hair drier': 'фен',
  toothbrush: 'зубная щётка',
  objects: 'объекты',
};

const secs = (s: number | undefined) => Math.round(s ?? 0);

/** The alert text in the chosen language: a title line (rule, site) and what happened. */
export function alertMessage(rule: AlertRule, d: FiringDetails, lang: Language, site: string): string {
  const cls = d.className ?? 'objects';
  const ru = lang === 'ru';
  const c = ru ? (RU_CLASSES[cls] ?? cls) : cls;
  let what: string;
  switch (rule.type) {
    case 'occupancy':
      what = ru
        ? `${d.cameraName}: в зоне «${d.zone}» ${d.count} (${c}) дольше ${secs(d.seconds)} с, порог ${rule.above}`
        : `${d.cameraName}: ${d.count} ${c} in zone "${d.zone}" for over ${secs(d.seconds)} s (limit ${rule.above})`;
      break;
    case 'loitering':
      what = ru ? `${d.cameraName}: ${c} #${d.trackId} находится в зоне «${d.zone}» уже ${secs(d.seconds)} с` : `${d.cameraName}: ${c} #${d.trackId} has stayed in zone "${d.zone}" for ${secs(d.seconds)} s`;
      break;
    case 'line_count':
      what = ru
        ? `${d.cameraName}: ${d.count} пересечений линии «${d.line}» за ${secs(d.seconds)} с (порог ${rule.over})`
        : `${d.cameraName}: ${d.count} crossings of line "${d.line}" in ${secs(d.seconds)} s (limit ${rule.over})`;
      break;
    case 'presence':
      what = ru ? `${d.cameraName}: ${c} в зоне «${d.zone}» в ${rule.during.from}–${rule.during.to}` : `${d.cameraName}: ${c} in zone "${d.zone}" during ${rule.during.from}–${rule.during.to}`;
      break;
    case 'camera_offline':
      what = ru ? `Камера ${d.cameraName} не в сети уже ${secs(d.seconds)} с` : `Camera ${d.cameraName} has been offline for ${secs(d.seconds)} s`;
      break;
    default:
      what = issue18Message(rule, d, ru);
  }
  return `⚠ ${rule.name}${site ? ` · ${site}` : ''}\n${what}`;
}

/** Queues, capacity and speed (issue 18). */
function issue18Message(rule: AlertRule, d: FiringDetails, ru: boolean): string {
  switch (rule.type) {
    case 'queue_length':
      return ru
        ? `${d.cameraName}: в очереди «${d.zone}» ${d.count} дольше ${secs(d.seconds)} с, порог ${rule.above}`
        : `${d.cameraName}: ${d.count} waiting in queue "${d.zone}" for over ${secs(d.seconds)} s (limit ${rule.above})`;
    case 'queue_wait':
      return ru
        ? `${d.cameraName}: ожидание в очереди «${d.zone}» около ${secs(d.count)} с (порог ${rule.above_seconds} с)`
        : `${d.cameraName}: the wait in queue "${d.zone}" is about ${secs(d.count)} s (limit ${rule.above_seconds} s)`;
    case 'capacity': {
      const where = d.area ? (ru ? `зона учёта «${d.area}»` : `area "${d.area}"`) : ru ? `зона «${d.zone}»` : `zone "${d.zone}"`;
      return ru
        ? `${d.cameraName}: ${where} заполнена на ${d.percent}% (${d.count}), порог ${rule.above_percent}%`
        : `${d.cameraName}: ${where} is at ${d.percent}% of capacity (${d.count}), limit ${rule.above_percent}%`;
    }
    case 'speeding': {
      const c = d.className ?? 'objects';
      const cls = ru ? (RU_CLASSES[c] ?? c) : c;
      const where = d.zone && d.zone !== '*' ? (ru ? ` в зоне «${d.zone}»` : ` in zone "${d.zone}"`) : '';
      return ru
        ? `${d.cameraName}: ${cls} #${d.trackId}${where} движется со скоростью ${d.speed} м/с (порог ${rule.above_mps} м/с)`
        : `${d.cameraName}: ${cls} #${d.trackId}${where} at ${d.speed} m/s (limit ${rule.above_mps} m/s)`;
    }
    default:
      return '';
  }
}

export function testMessage(lang: Language, site: string): string {
  return lang === 'ru' ? `Vantage${site ? ` · ${site}` : ''}: оповещения подключены к этому чату.` : `Vantage${site ? ` · ${site}` : ''}: alerts are connected to this chat.`;
}
