// Optimiser steps with their tangent recurrences (one parameter block per call).
export { sgdStep } from "./sgd";
export { momentumStep } from "./momentum";
export { adamStep } from "./adam";
