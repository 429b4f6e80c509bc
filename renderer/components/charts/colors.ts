// Distinguishable on light and dark backgrounds; past ten runs colours repeat, which hover labels disambiguate.
const PALETTE = [
  '#4c6ef5',
  '#f76707',
  '#2f9e44',
  '#e03131',
  '#9c36b5',
  '#1098ad',
  '#f59f00',
  '#d6336c',
  '#5c940d',
  '#495057',
];

export const colorOf = (i: number): string => PALETTE[i % PALETTE.length];
