using Polly.AttemptAwareBreaker.Redis;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Shares an attempt-aware circuit across processes through Redis.
/// </summary>
public static class RedisCircuitStateOptionsExtensions
{
    /// <summary>
    /// Shares the breaker's circuit with every process that runs a pipeline of the same name against the same Redis: once
    /// <see cref="RedisCircuitStateOptions.MinimumFailingInstances"/> instances are failing on their own attempts, the rules judge the
    /// fleet's attempts and an opening reaches every instance through pub/sub (below that quorum an instance's own failures open only its
    /// own circuit), and half-open admits <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.HalfOpenMaxProbes"/> probes
    /// fleet-wide. Nothing is sent to Redis on the call path of a closed circuit; when Redis is unreachable the breaker keeps protecting
    /// on its own counts, reports it, admits no probe for up to a sampling duration, and catches up when Redis answers again.
    /// </summary>
    /// <typeparam name="TResult">The result type of the pipeline.</typeparam>
    /// <param name="options">The breaker options.</param>
    /// <param name="redis">The connection, which any number of breakers may share.</param>
    /// <param name="configure">Sets the key prefix, flush interval, probe timeout and quorum; optional.</param>
    /// <returns>The same options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="redis"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">A Redis option is out of its allowed range.</exception>
    public static AttemptAwareCircuitBreakerStrategyOptions<TResult> UseRedis<TResult>(
        this AttemptAwareCircuitBreakerStrategyOptions<TResult> options,
        IConnectionMultiplexer redis,
        Action<RedisCircuitStateOptions>? configure = null)
    {
        Guard.NotNull(options);
        Guard.NotNull(redis);

        var redisOptions = new RedisCircuitStateOptions();
        configure?.Invoke(redisOptions);
        OptionsValidation.Validate(redisOptions, nameof(RedisCircuitStateOptions));
        options.SharedState = new RedisSharedCircuitStateFactory(redis, redisOptions);
        return options;
    }
}
