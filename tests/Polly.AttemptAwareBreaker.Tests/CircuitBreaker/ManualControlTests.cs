using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class ManualControlTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task IsolateAsync_BoundBreaker_RejectsWithIsolatedCircuitException()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var pipeline = Breakers.Build(new() { ManualControl = control }, _time);
        var downstream = new Downstream();

        await control.IsolateAsync(TestContext.Current.CancellationToken);
        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task IsolateAsync_IsolatedCircuit_StaysIsolatedAfterBreakDuration()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var pipeline = Breakers.Build(new() { ManualControl = control }, _time);

        await control.IsolateAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromHours(1));
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task CloseAsync_OpenCircuit_ClosesItAndRaisesManualOnClosed()
    {
        var manual = false;
        var control = new AttemptAwareCircuitBreakerManualControl();
        var options = Breakers.Consecutive(1);
        options.ManualControl = control;
        options.OnClosed = args =>
        {
            manual = args.IsManual;
            return default;
        };
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        await control.CloseAsync(TestContext.Current.CancellationToken);
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.True(manual);
    }

    [Fact]
    public async Task IsolateAsync_SharedByTwoBreakers_IsolatesBoth()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var first = Breakers.Build(new() { ManualControl = control }, _time);
        var second = Breakers.Build(new() { ManualControl = control }, _time);

        await control.IsolateAsync(TestContext.Current.CancellationToken);

        Assert.IsType<IsolatedCircuitException>((await first.RunAsync(new Downstream())).Exception);
        Assert.IsType<IsolatedCircuitException>((await second.RunAsync(new Downstream())).Exception);
        Assert.Equal(2, control.BreakerCount);
    }

    [Fact]
    public async Task Constructor_IsIsolatedTrue_BreakerStartsIsolated()
    {
        var control = new AttemptAwareCircuitBreakerManualControl(isIsolated: true);
        var provider = new AttemptAwareCircuitBreakerStateProvider();

        var pipeline = Breakers.Build(new() { ManualControl = control, StateProvider = provider }, _time);

        Assert.Equal(CircuitState.Isolated, provider.CircuitState);
        Assert.IsType<IsolatedCircuitException>((await pipeline.RunAsync(new Downstream())).Exception);
    }

    [Fact]
    public void StateProvider_NotBound_ReportsClosedAndRefusesSnapshot()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();

        Assert.False(provider.IsInitialized);
        Assert.Equal(CircuitState.Closed, provider.CircuitState);
        Assert.Throws<InvalidOperationException>(provider.GetSnapshot);
    }

    [Fact]
    public void StateProvider_BoundTwice_Throws()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        _ = Breakers.Build(new() { StateProvider = provider }, _time);

        var ex = Assert.Throws<InvalidOperationException>(() => Breakers.Build(new() { StateProvider = provider }, _time));

        Assert.Contains("already bound", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsIsolated_AfterIsolateThenClose_FollowsTheLastCommand()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();

        await control.IsolateAsync(TestContext.Current.CancellationToken);
        var afterIsolate = control.IsIsolated;
        await control.CloseAsync(TestContext.Current.CancellationToken);

        Assert.Equal((true, false), (afterIsolate, control.IsIsolated));
    }

    [Fact]
    public void BreakerCount_PipelineDisposed_BreakerUnbound()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var registry = new Polly.Registry.ResiliencePipelineRegistry<string>();
        registry.GetOrAddPipeline<int>("orders", b => b.AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { ManualControl = control }));
        Assert.Equal(1, control.BreakerCount);

        registry.Dispose();

        Assert.Equal(0, control.BreakerCount);
    }
}
