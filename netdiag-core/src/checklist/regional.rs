//! Regional VNET Integration: the checks of the integration subnet (delegation, size,
//! what else uses it). None yet: the registry gives the regional checks of both modes.
