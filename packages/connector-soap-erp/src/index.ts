export { profileSchema, transformSchema, fieldMapSchema, pagingSchema, appErrorsSchema } from './profile/schema.js';
export type { SoapErpProfile, ProfileInput, Transform, FieldMap, Paging } from './profile/schema.js';
export { loadProfile, parseProfile, presetsDir, PRESETS } from './profile/load.js';
export type { LoadedProfile, PresetName } from './profile/load.js';
export type { SoapAuth, SoapConnectionOptions, SoapOperationRef, SoapCallResult, SoapCaller } from './client/types.js';
