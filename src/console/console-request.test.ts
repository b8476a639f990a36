import { describe, expect, it } from 'vitest';
import { fieldErrors } from './console-request.ts';

describe('fieldErrors: the admin API message next to each form field', () => {
  it('places `field: …`, `field.0: …` and `field.<uri>: …` under their field, anything else under the first', () => {
    expect(fieldErrors('redirectUris.1: must be an https URI; resources.https://a.example: unknown; value: give one', ['clientId', 'redirectUris', 'resources']))
      .toEqual({ redirectUris: 'must be an https URI', resources: 'unknown', clientId: 'give one' });
  });

  it('places a sentence starting with a field name under it, and keeps a message that itself holds "; " together', () => {
    expect(fieldErrors('defaultResource must be one of the client\'s resources', ['clientId', 'defaultResource'])).toEqual({ defaultResource: 'defaultResource must be one of the client\'s resources' });
    expect(fieldErrors('resources: x grants no scope; name the scopes', ['clientId', 'resources'])).toEqual({ resources: 'x grants no scope; name the scopes' });
  });
});
