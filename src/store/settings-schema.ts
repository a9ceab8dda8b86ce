/**
 * The schema of settings.json, one JSON Schema (2020-12) for reading and for changing settings.
 * It is compiled ahead, so no command compiles a schema as it starts: src/store/settings-validate.ts
 * is Ajv's standalone code for it, which test/settings-validate.test.ts regenerates and compares;
 * after a change here, `npx vitest run test/settings-validate.test.ts --update` rewrites it.
 */
export const SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    pinTryLimit: { type: 'integer', minimum: 1, maximum: 15 },
    retryDelaysMs: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 60_000 }, maxItems: 10 },
    operator: { type: ['string', 'null'], maxLength: 64 },
    modules: { type: 'array', maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 300 } },
    lang: { enum: ['vi', 'en', null] },
    selfService: { type: 'boolean' },
    printCommand: { type: ['string', 'null'], minLength: 1, maxLength: 300 },
    supportLine: { type: 'string', minLength: 1, maxLength: 120 },
    unsyncedWarnHours: { type: 'integer', minimum: 1, maximum: 24 * 365 },
    registryMaxAgeDays: { type: 'integer', minimum: 1, maximum: 365 },
    overrideKey: { type: ['string', 'null'], minLength: 1, maxLength: 1000 },
    rolloutOverrides: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 1024 } },
    devices: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['vendorId', 'productId', 'vendor', 'model', 'hardwareVersion', 'usbClass', 'modules'],
        additionalProperties: false,
        properties: {
          vendorId: { type: 'string', pattern: '^(0x)?[0-9a-fA-F]{1,4}$' },
          productId: { type: 'string', pattern: '^((0x)?[0-9a-fA-F]{1,4}|\\*)$' },
          vendor: { type: 'string', minLength: 1, maxLength: 80 },
          model: { type: 'string', minLength: 1, maxLength: 80 },
          hardwareVersion: { type: 'string', minLength: 1, maxLength: 40 },
          usbClass: { enum: ['ccid', 'hid'] },
          modules: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string', minLength: 1, maxLength: 300 } },
          plug: { enum: ['poll', 'reinitialise'] },
          source: { type: 'string', maxLength: 300 },
        },
      },
    },
  },
} as const;
