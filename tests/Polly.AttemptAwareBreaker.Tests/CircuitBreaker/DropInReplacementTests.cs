using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class DropInReplacementTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task AddAttemptAwareCircuitBreaker_PollyOptions_OpensLikePollyAtTheSameThreshold()
    {
        var options = new CircuitBreakerStrategyOptions<int> { FailureRatio = 0.5, MinimumThroughput = 4, BreakDuration = TimeSpan.FromSeconds(10) };
        var ours = new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
        var polly = new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddCircuitBreaker(options).Build();
        var oursDownstream = Downstream.AlwaysFailing();
        var pollyDownstream = Downstream.AlwaysFailing();

        for (var i = 0; i < 10; i++)
        {
            await ours.RunAsync(oursDownstream);
            await polly.RunAsync(pollyDownstream);
        }

        Assert.Equal(pollyDownstream.Calls, oursDownstream.Calls);
        Assert.Equal(4, oursDownstream.Calls);
    }

    [Fact]
    public async Task AddAttemptAwareCircuitBreaker_PollyShouldHandleRejectsOutcome_CountsItAsSuccess()
    {
        var options = new CircuitBreakerStrategyOptions<int>
        {
            FailureRatio = 0.5,
            MinimumThroughput = 2,
            ShouldHandle = args => new(args.Outcome.Exception is TimeoutException),
        };
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
        var downstream = Downstream.AlwaysFailing();

        for (var i = 0; i < 10; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        Assert.Equal(10, downstream.Calls);
    }

    [Fact]
    public async Task AddAttemptAwareCircuitBreaker_PollyCallbacks_AreRaised()
    {
        var events = new List<string>();
        var options = new CircuitBreakerStrategyOptions<int>
        {
            MinimumThroughput = 2,
            FailureRatio = 0.5,
            OnOpened = _ => Record("opened"),
            OnHalfOpened = _ => Record("half-opened"),
            OnClosed = _ => Record("closed"),
        };
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(options.BreakDuration);
        await pipeline.RunAsync(new Downstream());

        Assert.Equal(["opened", "half-opened", "closed"], events);

        ValueTask Record(string name)
        {
            events.Add(name);
            return default;
        }
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_PollyStateProvider_ThrowsNamingTheReplacement()
    {
        var options = new CircuitBreakerStrategyOptions<int> { StateProvider = new CircuitBreakerStateProvider() };

        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(options));

        Assert.Contains(nameof(AttemptAwareCircuitBreakerStateProvider), ex.Message, StringComparison.Ordinal);
        Assert.Contains("StateProvider is set to Polly's CircuitBreakerStateProvider, which only Polly's own circuit breaker can bind.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_PollyManualControl_ThrowsNamingTheReplacement()
    {
        var options = new CircuitBreakerStrategyOptions { ManualControl = new CircuitBreakerManualControl() };

        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddAttemptAwareCircuitBreaker(options));

        Assert.Contains(nameof(AttemptAwareCircuitBreakerManualControl), ex.Message, StringComparison.Ordinal);
        Assert.Contains("ManualControl is set to Polly's CircuitBreakerManualControl, which only Polly's own circuit breaker can bind.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_PollyOptionsOutOfRange_ThrowsValidationExceptionNamingProperty()
    {
        var options = new CircuitBreakerStrategyOptions<int> { MinimumThroughput = 0 };

        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(options));

        Assert.Contains("MinimumThroughput is 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_PollyOptionsName_IsKeptForTelemetry()
    {
        var options = new CircuitBreakerStrategyOptions<int> { Name = "orders-breaker" };

        var pipeline = new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(options).Build();

        var descriptor = Polly.Testing.ResiliencePipelineExtensions.GetPipelineDescriptor(pipeline);
        Assert.Equal("orders-breaker", Assert.Single(descriptor.Strategies).Options?.Name);
    }

    [Fact]
    public async Task AddAttemptAwareCircuitBreaker_NonGenericPipelineWithSyncCallback_Works()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions { ConsecutiveFailureThreshold = 2, StateProvider = provider })
            .Build();

        Assert.Throws<InvalidOperationException>(() => pipeline.Execute(() => throw new InvalidOperationException()));
        Assert.Throws<InvalidOperationException>(() => pipeline.Execute(() => throw new InvalidOperationException()));
        Assert.Throws<BrokenCircuitException>(() => pipeline.Execute(() => "not called"));
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(_ => ValueTask.CompletedTask, TestContext.Current.CancellationToken));
        Assert.Equal(2, provider.GetSnapshot().TotalAttempts.Total);
    }
}
