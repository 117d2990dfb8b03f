using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Enforcement;

/// <summary>
/// Shadow mode: the breaker counts, trips, probes and reports exactly as when enforcing, but admits every attempt; the attempts it would
/// have rejected go ahead as shadow attempts, counted apart.
/// </summary>
public class ShadowModeTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerRegistry _registry = new();
    private readonly List<string> _changes = [];

    public ShadowModeTests() => _registry.StateChanged += (_, c) => _changes.Add($"{c.FromState}->{c.ToState} {c.Reason}");

    [Fact]
    public async Task Execute_ShadowCircuitOpen_CallReachesTheDownstream()
    {
        var pipeline = Build(CircuitBreakerEnforcement.Shadow);
        await pipeline.RunAsync(Downstream.Answering(503));
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(CircuitState.Open, Snapshot().State);
        Assert.Equal((200, 1), (outcome.Result, downstream.Calls));
    }

    [Fact]
    public async Task Execute_SameOutageEnforcingAndShadow_IdenticalCountsAndStateChanges()
    {
        var enforcing = await RunOutageAsync(CircuitBreakerEnforcement.Enforcing);
        var shadow = await RunOutageAsync(CircuitBreakerEnforcement.Shadow);

        Assert.Equal(enforcing.Counts, shadow.Counts);
        Assert.Equal(enforcing.Changes, shadow.Changes);
        Assert.NotEmpty(enforcing.Changes);
    }

    [Fact]
    public async Task Execute_SameOutageInShadow_RejectsNothing()
    {
        var shadow = await RunOutageAsync(CircuitBreakerEnforcement.Shadow);

        Assert.Equal(0, shadow.RejectedCalls);
        Assert.True(shadow.Counts.Rejections > 0);
    }

    [Fact]
    public async Task GetSnapshot_ShadowAttempts_CountedApartByClass()
    {
        var pipeline = Build(CircuitBreakerEnforcement.Shadow);
        await pipeline.RunAsync(Downstream.Answering(503));

        await pipeline.RunAsync(Downstream.Answering(503));
        await pipeline.RunAsync(new Downstream());

        var snapshot = Snapshot();
        Assert.Equal(new OutcomeCounts(1, 1, 0, 0), snapshot.TotalShadowAttempts);
        Assert.Equal(new OutcomeCounts(0, 1, 0, 0), snapshot.TotalAttempts);
        Assert.Equal(2, snapshot.TotalRejections);
    }

    [Fact]
    public async Task Reconfigure_ShadowToEnforcing_KeepsStateAndCountsAndStartsRejecting()
    {
        var pipeline = Build(CircuitBreakerEnforcement.Shadow);
        await pipeline.RunAsync(Downstream.Answering(503));
        var before = Snapshot();

        pipeline = Build(CircuitBreakerEnforcement.Enforcing);
        var outcome = await pipeline.RunAsync(new Downstream());

        var after = Snapshot();
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal((CircuitState.Open, before.TotalAttempts), (after.State, after.TotalAttempts));
        Assert.Equal(CircuitBreakerEnforcement.Enforcing, after.Enforcement);
    }

    [Fact]
    public async Task Reconfigure_EnforcingToShadow_StopsRejectingWithoutClosing()
    {
        var pipeline = Build(CircuitBreakerEnforcement.Enforcing);
        await pipeline.RunAsync(Downstream.Answering(503));

        pipeline = Build(CircuitBreakerEnforcement.Shadow);
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.Equal(CircuitState.Open, Snapshot().State);
    }

    [Fact]
    public async Task StateChanged_Shadow_MarkedAsShadow()
    {
        var enforcements = new List<CircuitBreakerEnforcement>();
        _registry.StateChanged += (_, c) => enforcements.Add(c.Enforcement);
        var pipeline = Build(CircuitBreakerEnforcement.Shadow);

        await pipeline.RunAsync(Downstream.Answering(503));

        Assert.Equal([CircuitBreakerEnforcement.Shadow], enforcements);
    }

    [Fact]
    public async Task ExecuteComposed_ShadowCircuitOpen_RetriesTransientFailuresAsIfClosed()
    {
        var options = Options(CircuitBreakerEnforcement.Shadow);
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "shadow", TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero, RetryBudget = null }, options)
            .Build();
        var downstream = Downstream.Answering(503);

        await pipeline.RunAsync(downstream);

        Assert.Equal(3, downstream.Calls);
        Assert.Equal(CircuitState.Open, Snapshot().State);
    }

    [Fact]
    public async Task Execute_ShadowThrottling_AdmitsWhatItWouldThrottle()
    {
        var options = Options(CircuitBreakerEnforcement.Shadow);
        options.ConsecutiveFailureThreshold = null;
        options.AdaptiveThrottling = new() { Multiplier = 1, MinimumRequests = 0 };
        options.Randomizer = () => 0;
        var pipeline = Build(options);
        for (var i = 0; i < 5; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(503));
        }

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.Equal(1, Snapshot().TotalShadowAttempts.Successes);
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(CircuitBreakerEnforcement enforcement) => new()
    {
        Enforcement = enforcement,
        ConsecutiveFailureThreshold = 1,
        FailureRatio = 1,
        MinimumThroughput = int.MaxValue,
        BreakDuration = Breakers.Break,
        Classifier = Breakers.StatusClassifier,
        Registry = _registry,
    };

    private ResiliencePipeline<int> Build(CircuitBreakerEnforcement enforcement) => Build(Options(enforcement));

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "shadow", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();

    private CircuitSnapshot Snapshot() => _registry.GetSnapshot("shadow/AttemptAwareCircuitBreaker");

    /// <summary>
    /// 20 s of one call every 100 ms against a downstream that fails from 2 s to 10 s (by time only, so both modes see the same
    /// answers for the attempts they count); probes admitted after each 5 s break.
    /// </summary>
    private async Task<OutageResult> RunOutageAsync(CircuitBreakerEnforcement enforcement)
    {
        var registry = new AttemptAwareCircuitBreakerRegistry();
        var changes = new List<string>();
        registry.StateChanged += (_, c) => changes.Add($"{c.FromState}->{c.ToState} {c.Reason}");
        var time = new FakeTimeProvider();
        var options = Options(enforcement);
        options.Registry = registry;
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "outage", TimeProvider = time }.AddAttemptAwareCircuitBreaker(options).Build();
        var start = time.GetUtcNow();
        var downstream = new Downstream { Behaviour = _ => new(time.GetUtcNow() - start is var t && t >= TimeSpan.FromSeconds(2) && t < TimeSpan.FromSeconds(10) ? 503 : 200) };
        var rejected = 0;
        for (var i = 0; i < 200; i++)
        {
            if ((await pipeline.RunAsync(downstream)).Exception is BrokenCircuitException)
            {
                rejected++;
            }

            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var s = registry.GetSnapshot("outage/AttemptAwareCircuitBreaker");
        return new OutageResult((s.State, s.TotalAttempts, s.TotalOperations, s.TotalRejections, s.TotalProbesAdmitted), changes, rejected);
    }

    private sealed record OutageResult((CircuitState State, OutcomeCounts Attempts, OutcomeCounts Operations, long Rejections, long Probes) Counts, List<string> Changes, int RejectedCalls);
}
