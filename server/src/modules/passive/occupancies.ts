// The occupancy kinds live beside their structures (a structure's create writes its nested rows).
export { occupancyKinds } from './passive.descriptors';
