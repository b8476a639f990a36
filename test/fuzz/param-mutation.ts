/** One change to a list of request parameters, shared by the token-endpoint and browser-endpoint surfaces. */
export type Param = readonly [string, string];
export interface Mutation { readonly op: 'drop' | 'duplicate' | 'value' | 'name' | 'add'; readonly at: number; readonly name: string; readonly value: string }

export function mutate(params: readonly Param[], mutation: Mutation): Param[] {
  const next = [...params];
  const at = next.length === 0 ? 0 : mutation.at % next.length;
  const target = next[at];
  switch (mutation.op) {
    case 'drop': next.splice(at, 1); break;
    case 'duplicate': if (target !== undefined) next.push([target[0], mutation.value]); break;
    case 'value': if (target !== undefined) next[at] = [target[0], mutation.value]; break;
    case 'name': if (target !== undefined) next[at] = [mutation.name, target[1]]; break;
    case 'add': next.push([mutation.name, mutation.value]); break;
  }
  return next;
}
