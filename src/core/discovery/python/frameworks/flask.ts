// Flask: a WSGI framework (each request holds a worker), one '/' between prefix and path, and a
// url_prefix given at register_blueprint replaces the blueprint's own.
import { addUrlRule, methodDecorators, registerBlueprint, routeDecorator, slashJoin } from './registrations';
import type { PyFramework } from './types';

export const flask: PyFramework = {
  name: 'flask',
  constructors: { Flask: 'app', Blueprint: 'blueprint' },
  includedToServe: ['blueprint'],
  execution: () => 'worker',
  join: slashJoin,
  registrationReplacesBlueprintPrefix: true,
  decorators: { ...methodDecorators(), route: routeDecorator },
  calls: { register_blueprint: registerBlueprint, add_url_rule: addUrlRule },
};
