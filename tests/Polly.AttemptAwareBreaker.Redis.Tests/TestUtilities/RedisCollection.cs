namespace Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

/// <summary>
/// The Redis test classes run one after the other (each with its own redis-server): their timing figures (calls before the fleet
/// opens, caller latencies under load) must not depend on another class's 64 callers or paused server sharing the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisCollection
{
    public const string Name = "redis";
}
