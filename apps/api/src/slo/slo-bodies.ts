// The body of an SLO written through the api.
import { Type } from '@sinclair/typebox';
import { text } from '../http/text.js';

export const SLO_BODIES = {
  SloDefinitionBody: Type.Object({
    openslo: text(
      'required: the OpenSLO v1 documents (YAML or JSON) of this SLO — the SLO and the SLI, AlertPolicy, AlertCondition and Service objects it references, self-contained',
    ),
  }),
};
