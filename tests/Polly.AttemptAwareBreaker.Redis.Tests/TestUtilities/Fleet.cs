using Polly.Registry;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

/// <summary>
/// Simulated instances of one service: each has its own Redis connection and its own pipeline named "payments" with an
/// attempt-aware breaker sharing the circuit through Redis (or not, for the local comparison). They call one downstream.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private readonly List<ConnectionMultiplexer> _connections = [];
    private readonly List<ResiliencePipelineRegistry<string>> _registries = [];

    private Fleet(string keyPrefix)
    {
        KeyPrefix = keyPrefix;
    }

    /// <summary>Gets the prefix of the fleet's Redis keys (one per fleet, so the tests of a class sharing a server do not meet).</summary>
    public string KeyPrefix { get; }

    public List<Instance> Instances { get; } = [];

    public FakeDownstream Downstream { get; } = new();

    public static async Task<Fleet> StartAsync(
        RedisServer? redis,
        int instances,
        Action<AttemptAwareCircuitBreakerStrategyOptions<int>> breaker,
        Action<RedisCircuitStateOptions>? shared = null)
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N");
        var fleet = new Fleet(prefix);
        for (var i = 0; i < instances; i++)
        {
            var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = new AttemptAwareCircuitBreakerStateProvider() };
            breaker(options);
            if (redis is not null)
            {
                var connection = await ConnectAsync(redis);
                fleet._connections.Add(connection);
                options.UseRedis(connection, o =>
                {
                    o.KeyPrefix = prefix;
                    o.FlushInterval = TimeSpan.FromMilliseconds(20);

                    // Every instance trips the fleet unless a test asks for a quorum.
                    o.MinimumFailingInstances = 1;

                    // A probe whose fleet slot is not granted in time is refused; on a loaded CI machine (the other framework's run
                    // side by side) a grant can take longer than the default 250 ms, and the tests that count probes would see fewer.
                    o.ProbeTimeout = TimeSpan.FromSeconds(2);
                    shared?.Invoke(o);
                });
            }

            // A registry per instance (each names its pipeline "payments"), so that disposing the fleet stops each breaker's flush loop.
            var registry = new ResiliencePipelineRegistry<string>();
            fleet._registries.Add(registry);
            var pipeline = registry.GetOrAddPipeline<int>("payments", builder => builder.AddAttemptAwareCircuitBreaker(options));
            fleet.Instances.Add(new Instance(pipeline, options.StateProvider, fleet.Downstream));
        }

        return fleet;
    }

    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer redis)
    {
        var configuration = ConfigurationOptions.Parse(redis.Configuration);
        configuration.ReconnectRetryPolicy = new LinearRetry(100);
        return await ConnectionMultiplexer.ConnectAsync(configuration);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registry in _registries)
        {
            await registry.DisposeAsync();
        }

        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails the test when it does not within the limit.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, double seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (!condition())
        {
            if (!await tick.WaitForNextTickAsync(timeout.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
            {
                Assert.Fail($"Timed out after {seconds} s waiting until {what}.");
            }
        }
    }

    /// <summary>Waits (bounded) until the asynchronous <paramref name="condition"/> holds; fails the test when it does not within the limit.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (!await condition())
        {
            if (!await tick.WaitForNextTickAsync(timeout.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
            {
                Assert.Fail($"Timed out after {seconds} s waiting until {what}.");
            }
        }
    }

    /// <summary>
    /// Watches <paramref name="condition"/> for <paramref name="duration"/> (a negative check: something that must not happen); returns
    /// whether it held at some point.
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan duration)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (watch.Elapsed < duration)
        {
            if (condition())
            {
                return true;
            }

            await tick.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        }

        return condition();
    }

    internal sealed class Instance(ResiliencePipeline<int> pipeline, AttemptAwareCircuitBreakerStateProvider? state, FakeDownstream downstream)
    {
        public AttemptAwareCircuitBreakerStateProvider State { get; } = state!;

        public async Task<Outcome<int>> CallAsync(Func<FakeDownstream, ValueTask<int>>? behaviour = null, CancellationToken cancellationToken = default)
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken.CanBeCanceled ? cancellationToken : TestContext.Current.CancellationToken);
            try
            {
                return await pipeline.ExecuteOutcomeAsync(
                    static async (_, call) => Outcome.FromResult(await call.Behaviour(call.Downstream)),
                    context,
                    (Downstream: downstream, Behaviour: behaviour ?? (d => d.CallAsync())));
            }
#pragma warning disable CA1031 // The test inspects whatever comes out.
            catch (Exception ex)
            {
                return Outcome.FromException<int>(ex);
            }
#pragma warning restore CA1031
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }
}

/// <summary>
/// A downstream that counts calls and the calls in flight, takes <see cref="Latency"/> to answer, and fails (503-like exception) or
/// succeeds as told.
/// </summary>
internal sealed class FakeDownstream
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the most calls in flight at once since <see cref="ResetMaxInFlight"/>.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int InFlight => Volatile.Read(ref _inFlight);

    public volatile bool Failing = true;

    public TimeSpan Latency { get; set; }

    /// <summary>Starts counting the most calls in flight afresh, from those in flight now.</summary>
    public void ResetMaxInFlight() => Volatile.Write(ref _maxInFlight, InFlight);

    /// <summary>Calls the downstream; <paramref name="fail"/> overrides <see cref="Failing"/> for this call (an instance's own trouble).</summary>
    public async ValueTask<int> CallAsync(bool? fail = null)
    {
        Interlocked.Increment(ref _calls);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var max = MaxInFlight; inFlight > max && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max; max = MaxInFlight)
        {
        }

        try
        {
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency);
            }

            return (fail ?? Failing) ? throw new HttpRequestException("503 from the downstream") : 200;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
