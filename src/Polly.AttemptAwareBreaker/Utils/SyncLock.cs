// The type of the objects this library locks on: System.Threading.Lock where the runtime has it (cheaper to take and release than a
// monitor on a plain object), a plain object elsewhere. The lock statement works with either.
#if NET9_0_OR_GREATER
global using SyncLock = System.Threading.Lock;
#else
global using SyncLock = object;
#endif
