// The stand-in lives with the soak (bench/ is built, test/ is not): the tests use the same one.
export * from '../../bench/stripe/stand-in.js';
