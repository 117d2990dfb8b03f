using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis;

internal sealed class RedisSharedCircuitStateFactory(IConnectionMultiplexer redis, RedisCircuitStateOptions options) : ISharedCircuitStateFactory
{
    public ISharedCircuitState Create(SharedCircuitHost host) => new RedisSharedCircuitState(host, redis, options);
}
