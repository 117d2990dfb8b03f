using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

/// <summary>
/// Simulated instances of one service: each has its own Redis connection and its own pipeline named "payments" with an
/// attempt-aware breaker sharing the circuit through Redis (or not, for the local comparison). They call one downstream.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private readonly List<ConnectionMultiplexer> _connections = [];

    private Fleet()
    {
    }

    public List<Instance> Instances { get; } = [];

    public FakeDownstream Downstream { get; } = new();

    public static async Task<Fleet> StartAsync(
        RedisServer? redis,
        int instances,
        Action<AttemptAwareCircuitBreakerStrategyOptions<int>> breaker,
        Action<RedisCircuitStateOptions>? shared = null)
    {
        var fleet = new Fleet();
        var prefix = "test-" + Guid.NewGuid().ToString("N");
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
                    shared?.Invoke(o);
                });
            }

            var pipeline = new ResiliencePipelineBuilder<int> { Name = "payments" }.AddAttemptAwareCircuitBreaker(options).Build();
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

    internal sealed class Instance(ResiliencePipeline<int> pipeline, AttemptAwareCircuitBreakerStateProvider? state, FakeDownstream downstream)
    {
        public AttemptAwareCircuitBreakerStateProvider State { get; } = state!;

        public async Task<Outcome<int>> CallAsync(Func<FakeDownstream, ValueTask<int>>? behaviour = null)
        {
            var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
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

/// <summary>A downstream that counts calls and fails (503-like exception) or succeeds as told.</summary>
internal sealed class FakeDownstream
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public volatile bool Failing = true;

    public ValueTask<int> CallAsync()
    {
        Interlocked.Increment(ref _calls);
        return Failing ? throw new HttpRequestException("503 from the downstream") : new ValueTask<int>(200);
    }
}
