/**
 * The issuer the CLI acts as (issue 18 #1): the one the server recorded at its last start on this
 * database, so that `clients add --admin` binds the admin client to the audience that server checks.
 * A configuration naming another issuer is refused, naming both, rather than guessed between.
 */
import { issuerOf, type Config } from '../config.ts';
import { AppError } from '../errors.ts';

export function cliIssuer(config: Config, recorded: string | undefined): string {
  // No server has started on this database yet: the configuration is all there is.
  if (recorded === undefined) return issuerOf(config);
  const configured = config.http.issuer;
  if (configured !== undefined && configured !== recorded) {
    throw new AppError('config.invalid', `the server on this database runs as issuer ${recorded} (recorded at its last start), `
      + `but WXBRIDGE_ISSUER here is ${configured}; run the CLI with the server's configuration, or restart the server with the new issuer first`);
  }
  return recorded;
}
