// Template stage: the functions a task file can call — Go text/template's built-ins and all of
// Sprig v2.22's function map as acr-builder assembles it (`b64enc` replaced by acb's own), with
// Sprig's argument orders and quirks. Each family lives in functions/; the tables hold only
// closures, and heavy dependencies (re2js) load on the first call that needs them.

import { BUILTIN_FUNCTIONS } from './functions/builtins.js';
import { CRYPTO_FUNCTIONS } from './functions/crypto.js';
import { DEFAULT_FUNCTIONS } from './functions/defaults.js';
import { DATE_FUNCTIONS } from './functions/dates.js';
import { ENCODING_FUNCTIONS } from './functions/encoding.js';
import { LIST_FUNCTIONS } from './functions/lists.js';
import { MATH_FUNCTIONS } from './functions/math.js';
import { REFLECTION_FUNCTIONS } from './functions/reflection.js';
import { REGEX_FUNCTIONS } from './functions/regex.js';
import { SEMVER_FUNCTIONS } from './functions/semver.js';
import { STRING_FUNCTIONS } from './functions/strings.js';
import { SYSTEM_FUNCTIONS } from './functions/system.js';
import type { GoFunction } from './functions/types.js';

export { TemplateExecError, type CallContext, type GoFunction } from './functions/types.js';

// Sprig v2.22 genericMap plus Go's built-ins (acb-spec §2.1); used to tell "unsupported" from "unknown".
const SPRIG_AND_BUILTIN_NAMES =
  'hello date date_in_zone date_modify now htmlDate htmlDateInZone dateInZone dateModify ago toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString atoi int64 int float64 toDecimal split splitList splitn toStrings until untilStep add1 add sub div mod mul biggest max min ceil floor round join sortAlpha default empty coalesce compact deepCopy toJson toPrettyJson ternary typeOf typeIs typeIsLike kindOf kindIs deepEqual env expandenv getHostByName base dir clean ext isAbs b64enc b64dec b32enc b32dec tuple list dict set unset hasKey pluck keys pick omit merge mergeOverwrite values append push prepend first rest last initial reverse uniq without has slice concat genPrivateKey derivePassword buildCustomCert genCA genSelfSignedCert genSignedCert encryptAES decryptAES uuidv4 semver semverCompare fail regexMatch regexFindAll regexFind regexReplaceAll regexReplaceAllLiteral regexSplit urlParse urlJoin and or not len index print printf println eq ne lt le gt ge html js urlquery call'.split(
    ' ',
  );

export const FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map(
  Object.entries({
    ...BUILTIN_FUNCTIONS,
    ...DEFAULT_FUNCTIONS,
    ...STRING_FUNCTIONS,
    ...ENCODING_FUNCTIONS,
    ...MATH_FUNCTIONS,
    ...LIST_FUNCTIONS,
    ...REFLECTION_FUNCTIONS,
    ...REGEX_FUNCTIONS,
    ...SYSTEM_FUNCTIONS,
    ...DATE_FUNCTIONS,
    ...CRYPTO_FUNCTIONS,
    ...SEMVER_FUNCTIONS,
  }),
);

/** Names Go or Sprig v2.22 define that taskrun does not implement. */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set(SPRIG_AND_BUILTIN_NAMES.filter((name) => !FUNCTIONS.has(name)));
