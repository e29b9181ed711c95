import type { AlertChannelName, AlertRule } from '../rules.js';
import type { FiringDetails } from '../messages.js';

/** A stored notification on its way out. */
export interface OutgoingAlert {
  /** The notification's id (its row in the history). */
  id: number;
  rule: AlertRule;
  details: FiringDetails;
  /** The text in the site's language. */
  message: string;
  /** The machine-readable body: notification_id, time, rule, message and the details. */
  body: Record<string, unknown>;
  /** Inside the rule's quiet hours. */
  quiet: boolean;
  /** The camera's latest frame annotated with its boxes and the rule's shape (undefined when there is none). */
  photo(): Promise<Buffer | undefined>;
}

/**
 * A way an alert leaves the box. A new channel is one file in this folder exporting one of these, its
 * line in channels/index.ts, and its name in ALERT_CHANNELS (rules.ts, which validates rules).
 */
export interface AlertChannel {
  readonly name: AlertChannelName;
  /** The delivery state stored with the notification before it is sent. */
  initialState(alert: OutgoingAlert): string;
  /** Sends (or queues) it; `setState` records delivery states (per recipient when given one). */
  send(alert: OutgoingAlert, setState: (state: string, recipient?: string) => void): Promise<void>;
}

/** An alert's clip (issue 17): whether its camera records one, and its announcement over MQTT once recorded. */
export interface AlertClips {
  recorded(camera: string): boolean;
  /** Publishes `alerts/<id>/clip` once the clip is recorded (no-op without a broker). */
  announce(notificationId: number, camera: string): void;
}
