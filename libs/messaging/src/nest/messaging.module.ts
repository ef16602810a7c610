// Provides the MessageBus under MESSAGE_BUS to the whole app, connected (and its topics
// created) before anything uses it, and closed last on shutdown — after the BatchTransport,
// which Nest closes first, has drained and committed.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { BusConfig } from '#config';
import { silentLogger, type Logger } from '#observability';
import { createMessageBus } from '../create-message-bus.js';
import { MESSAGE_BUS, type MessageBus, type TopicSpec } from '../port.js';

export type MessagingModuleOptions = (
  | { readonly config: BusConfig; readonly logger?: Logger }
  | {
      /** A bus created outside Nest, e.g. shared with a BatchTransport or with other apps in one process. */
      readonly bus: MessageBus;
      /** Close it on shutdown (default false: whoever created it closes it). */
      readonly closeOnShutdown?: boolean;
    }
) & {
  /** Topics to create at start if missing (include the dead-letter topic). */
  readonly topics?: readonly TopicSpec[];
};

const CLOSE_ON_SHUTDOWN = Symbol('aftershock.MessagingModule.closeOnShutdown');

@Injectable()
class MessageBusShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOSE_ON_SHUTDOWN) private readonly closeOnShutdown: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.closeOnShutdown) await this.bus.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const owned = !('bus' in options);
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGE_BUS,
          useFactory: async (): Promise<MessageBus> => {
            const bus =
              'bus' in options
                ? options.bus
                : createMessageBus(options.config, options.logger ?? silentLogger);
            await bus.connect();
            if (options.topics?.length) await bus.ensureTopics(options.topics);
            return bus;
          },
        },
        {
          provide: CLOSE_ON_SHUTDOWN,
          useValue: owned || ('closeOnShutdown' in options && options.closeOnShutdown),
        },
        MessageBusShutdown,
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
