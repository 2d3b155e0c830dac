// Quart: Flask's API on asyncio; `def` routes run in an executor, off the loop.
import {
  addUrlRule,
  asyncOnLoop,
  methodDecorators,
  registerBlueprint,
  routeDecorator,
  slashJoin,
  websocketDecorator,
} from './registrations';
import type { PyFramework } from './types';

export const quart: PyFramework = {
  name: 'quart',
  constructors: { Quart: 'app', Blueprint: 'blueprint' },
  includedToServe: ['blueprint'],
  execution: asyncOnLoop,
  join: slashJoin,
  registrationReplacesBlueprintPrefix: true,
  decorators: { ...methodDecorators(), route: routeDecorator, websocket: websocketDecorator },
  calls: { register_blueprint: registerBlueprint, add_url_rule: addUrlRule },
};
