using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Registry;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Registry;

public class AttemptAwareCircuitBreakerRegistryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerRegistry _registry = new();

    [Fact]
    public void Names_BreakerInNamedPipeline_IsPipelineSlashStrategy()
    {
        Build("payments", Options(5));

        Assert.Equal(["payments/AttemptAwareCircuitBreaker"], _registry.Names);
    }

    [Fact]
    public void Names_PipelineWithInstanceName_IncludesTheInstance()
    {
        Build("payments", Options(5), instance: "eu-west");

        Assert.Equal(["payments/eu-west/AttemptAwareCircuitBreaker"], _registry.Names);
    }

    [Fact]
    public async Task Names_TwoUnnamedPipelines_GetDistinctNamesAndSeparateCircuits()
    {
        var first = Build(null, Options(1));
        Build(null, Options(1));

        await first.RunAsync(Downstream.Answering(503));

        Assert.Equal(2, _registry.Names.Count);
        Assert.Equal([CircuitState.Closed, CircuitState.Open], _registry.GetBreakers().Select(b => b.Snapshot.State).Order());
    }

    [Fact]
    public void GetSnapshot_UnknownName_ThrowsListingTheRegisteredNames()
    {
        Build("payments", Options(5));

        var error = Assert.Throws<KeyNotFoundException>(() => _registry.GetSnapshot("orders/AttemptAwareCircuitBreaker"));

        Assert.Contains("Registered: payments/AttemptAwareCircuitBreaker.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsolateAsync_ByName_NextCallIsRejectedWithoutReachingDownstream()
    {
        var pipeline = Build("payments", Options(5));
        var downstream = Downstream.Answering(200);

        await _registry.IsolateAsync("payments/AttemptAwareCircuitBreaker", TestContext.Current.CancellationToken);
        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task CloseAllAsync_OpenAndIsolatedCircuits_AllCloseAndAdmitCalls()
    {
        var payments = Build("payments", Options(1));
        var orders = Build("orders", Options(1));
        await payments.RunAsync(Downstream.Answering(503));
        await _registry.IsolateAsync("orders/AttemptAwareCircuitBreaker", TestContext.Current.CancellationToken);

        await _registry.CloseAllAsync(TestContext.Current.CancellationToken);

        Assert.All(_registry.GetBreakers(), b => Assert.Equal(CircuitState.Closed, b.Snapshot.State));
        Assert.Equal(200, (await orders.RunAsync(Downstream.Answering(200))).Result);
    }

    [Fact]
    public async Task Attach_SameNameWhileFirstIsAlive_SecondPipelineTakesOverTheOpenCircuit()
    {
        var first = Build("payments", Options(1));
        await first.RunAsync(Downstream.Answering(503));
        var rebuilt = Build("payments", Options(10));
        var downstream = Downstream.Answering(200);

        var outcome = await rebuilt.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Single(_registry.Names);
    }

    [Fact]
    public async Task Attach_SameNameWithNewThresholds_NewThresholdsApplyToTheRunningCircuit()
    {
        var first = Build("payments", Options(10));
        await first.RunAsync(Downstream.Answering(503));
        var rebuilt = Build("payments", Options(2));

        await rebuilt.RunAsync(Downstream.Answering(503));

        Assert.Equal(CircuitState.Open, _registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").State);
    }

    [Fact]
    public async Task Attach_HalfOpenMaxProbesRaisedWhileAProbeIsInFlight_RebuiltPipelineAdmitsUpToTheNewCount()
    {
        var first = Build("payments", Options(1));
        await first.RunAsync(Downstream.Answering(503));
        _time.Advance(Breakers.Break);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = new List<Task<Outcome<int>>> { first.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) }) };
        var options = Options(1);
        options.HalfOpenMaxProbes = 3;
        var rebuilt = Build("payments", options);

        probes.Add(rebuilt.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) }));
        probes.Add(rebuilt.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) }));
        var fourth = await rebuilt.RunAsync(Downstream.Answering(200));

        Assert.IsType<BrokenCircuitException>(fourth.Exception);
        Assert.Equal(3, _registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").HalfOpenProbesInFlight);
        hung.SetResult(200);
        await Task.WhenAll(probes);
    }

    [Fact]
    public async Task Attach_SamplingDurationChanged_WindowRestartsButTotalsStay()
    {
        var first = Build("payments", Options(10));
        await first.RunAsync(Downstream.Answering(503));
        var options = Options(10);
        options.SamplingDuration = TimeSpan.FromSeconds(60);

        Build("payments", options);
        var snapshot = _registry.GetSnapshot("payments/AttemptAwareCircuitBreaker");

        Assert.Equal(0, snapshot.WindowAttempts.Total);
        Assert.Equal(1, snapshot.TotalAttempts.TransientFailures);
        Assert.Equal(1, snapshot.ConsecutiveFailures);
    }

    [Fact]
    public async Task Attach_SamplingDurationChangedWhileAnOperationRetries_OperationMovesWithoutANegativeWindowCount()
    {
        var first = new ResiliencePipelineBuilder<int> { Name = "payments", TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.FromSeconds(1), ShouldHandle = args => new(args.Outcome.Result == 503) })
            .AddAttemptAwareCircuitBreaker(Options(10))
            .Build();
        var retrying = first.RunAsync(new Downstream { Behaviour = n => new(n == 1 ? 503 : 200) });
        var options = Options(10);
        options.SamplingDuration = TimeSpan.FromSeconds(60);
        Build("payments", options);

        _time.Advance(TimeSpan.FromSeconds(1));
        await retrying;

        Assert.Equal(new OutcomeCounts(1, 0, 0, 0), _registry.GetSnapshot("payments/AttemptAwareCircuitBreaker").WindowOperations);
    }

    [Fact]
    public async Task StateProvider_SameProviderInTheRebuiltPipeline_StaysBoundToTheRunningCircuit()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var options = Options(1);
        options.StateProvider = provider;
        var first = Build("payments", options);
        await first.RunAsync(Downstream.Answering(503));

        var again = Options(5);
        again.StateProvider = provider;
        Build("payments", again);

        Assert.Equal(CircuitState.Open, provider.CircuitState);
    }

    [Fact]
    public void Attach_SameNameOtherResultType_ThrowsNamingTheBreaker()
    {
        Build("payments", Options(1));
        var other = new ResiliencePipelineBuilder<string> { Name = "payments", TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<string> { Registry = _registry });

        var error = Assert.Throws<InvalidOperationException>(() => other.Build());

        Assert.Contains("'payments/AttemptAwareCircuitBreaker'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateChanged_ConsecutiveFailuresOpenTheCircuit_ReportsNameStatesAndReason()
    {
        var changes = new List<CircuitStateChange>();
        _registry.StateChanged += (_, change) => changes.Add(change);
        var pipeline = Build("payments", Options(2));

        await pipeline.RunAsync(Downstream.Answering(503));
        await pipeline.RunAsync(Downstream.Answering(503));

        var change = Assert.Single(changes);
        Assert.Equal(("payments/AttemptAwareCircuitBreaker", CircuitState.Closed, CircuitState.Open, CircuitStateChangeReason.ConsecutiveFailures), (change.BreakerName, change.FromState, change.ToState, change.Reason));
    }

    [Fact]
    public async Task StateChanged_IsolateThenClose_ReportsManualReasons()
    {
        var changes = new List<CircuitStateChange>();
        _registry.StateChanged += (_, change) => changes.Add(change);
        Build("payments", Options(2));

        await _registry.IsolateAsync("payments/AttemptAwareCircuitBreaker", TestContext.Current.CancellationToken);
        await _registry.CloseAsync("payments/AttemptAwareCircuitBreaker", TestContext.Current.CancellationToken);

        Assert.Equal(
            [(CircuitState.Closed, CircuitState.Isolated, CircuitStateChangeReason.ManualIsolate), (CircuitState.Isolated, CircuitState.Closed, CircuitStateChangeReason.ManualClose)],
            changes.Select(c => (c.FromState, c.ToState, c.Reason)));
    }

    [Fact]
    public async Task PollyRegistryReload_OpenCircuit_RebuiltPipelineKeepsItOpenWithItsCounts()
    {
        using var reload = new CancellationTokenSource();
        var threshold = 1;
        var builds = 0;
        using var polly = new ResiliencePipelineRegistry<string>(new ResiliencePipelineRegistryOptions<string>());
        polly.TryAddBuilder<int>("payments", (builder, context) =>
        {
            builder.TimeProvider = _time;
            context.AddReloadToken(reload.Token);
            builds++;
            builder.AddAttemptAwareCircuitBreaker(Options(threshold));
        });
        var pipeline = polly.GetPipeline<int>("payments");
        await pipeline.RunAsync(Downstream.Answering(503));

        threshold = 50;
        await reload.CancelAsync();
        var snapshot = _registry.GetSnapshot("payments/AttemptAwareCircuitBreaker");
        var outcome = await pipeline.RunAsync(Downstream.Answering(200));

        Assert.Equal(2, builds);
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(1, snapshot.TotalAttempts.TransientFailures);
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Single(_registry.Names);
    }

    [Fact]
    public async Task Dispose_LastPipelineWithTheName_RemovesTheBreaker()
    {
        using var polly = new ResiliencePipelineRegistry<string>(new ResiliencePipelineRegistryOptions<string>());
        polly.TryAddBuilder<int>("payments", (builder, _) => builder.AddAttemptAwareCircuitBreaker(Options(1)));
        _ = polly.GetPipeline<int>("payments");
        Assert.Single(_registry.Names);

        await polly.DisposeAsync();

        Assert.Empty(_registry.Names);
    }

    [Fact]
    public void Names_SeveralBreakers_OrderedByName()
    {
        Build("payments", Options(5));
        Build("inventory", Options(5));
        Build("orders", Options(5));

        Assert.Equal(["inventory/AttemptAwareCircuitBreaker", "orders/AttemptAwareCircuitBreaker", "payments/AttemptAwareCircuitBreaker"], _registry.Names);
    }

    [Fact]
    public void GetBreakers_SeveralBreakers_OrderedByName()
    {
        Build("payments", Options(5));
        Build("inventory", Options(5));

        Assert.Equal(["inventory/AttemptAwareCircuitBreaker", "payments/AttemptAwareCircuitBreaker"], _registry.GetBreakers().Select(b => b.Name));
    }

    [Fact]
    public void Names_UnnamedPipelines_NumberedFromOne()
    {
        Build(null, Options(1));
        Build(null, Options(1));

        Assert.Equal(["unnamed-1/AttemptAwareCircuitBreaker", "unnamed-2/AttemptAwareCircuitBreaker"], _registry.Names);
    }

    [Fact]
    public void GetSnapshot_UnknownNameAmongSeveral_ListsRegisteredNamesInOrder()
    {
        Build("payments", Options(5));
        Build("inventory", Options(5));

        var error = Assert.Throws<KeyNotFoundException>(() => _registry.GetSnapshot("orders/AttemptAwareCircuitBreaker"));

        Assert.EndsWith("Registered: inventory/AttemptAwareCircuitBreaker, payments/AttemptAwareCircuitBreaker.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Contains_RegisteredAndUnknownNames_TellsThemApart()
    {
        Build("payments", Options(5));

        Assert.Equal((true, false), (_registry.Contains("payments/AttemptAwareCircuitBreaker"), _registry.Contains("orders/AttemptAwareCircuitBreaker")));
    }

    [Fact]
    public void Dispose_LastPipelineWithSharedState_DetachesTheSharedState()
    {
        var shared = new SharedState.FakeSharedState();
        var options = Options(5);
        options.SharedState = shared;
        var polly = new ResiliencePipelineRegistry<string>();
        polly.GetOrAddPipeline<int>("payments", b => b.AddAttemptAwareCircuitBreaker(options));

        polly.Dispose();

        Assert.True(shared.Disposed);
    }

    [Fact]
    public void Dispose_OneOfTwoPipelinesWithTheName_KeepsTheBreaker()
    {
        var first = new ResiliencePipelineRegistry<string>();
        first.GetOrAddPipeline<int>("payments", b => b.AddAttemptAwareCircuitBreaker(Options(5)));
        Build("payments", Options(5));

        first.Dispose();

        Assert.Equal(["payments/AttemptAwareCircuitBreaker"], _registry.Names);
    }

    [Fact]
    public void GetBreakers_ListedBreakerToString_IsNameThenSnapshot()
    {
        Build("payments", Options(5));

        var info = Assert.Single(_registry.GetBreakers());

        Assert.Equal($"payments/AttemptAwareCircuitBreaker: {info.Snapshot}", info.ToString());
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(int threshold)
    {
        var options = Breakers.Consecutive(threshold);
        options.Classifier = Breakers.StatusClassifier;
        options.Registry = _registry;
        return options;
    }

    private ResiliencePipeline<int> Build(string? name, AttemptAwareCircuitBreakerStrategyOptions<int> options, string? instance = null)
        => new ResiliencePipelineBuilder<int> { Name = name, InstanceName = instance, TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(options)
            .Build();
}
