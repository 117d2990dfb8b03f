using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The delay between attempts: its length, and its end when the circuit opens or is isolated meanwhile.</summary>
public class RetryDelayTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task RetryDelay_CircuitOpenedByOthersDuringDelay_OperationEndsAtTheMomentOfOpening()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(delaySeconds: 2), ComposedPipelines.Breaker(2, Provider));
        var sleeping = pipeline.RunAsync(Downstream.Answering(503));
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(sleeping.IsCompleted);

        var openedAt = Time.GetUtcNow();

        await pipeline.RunAsync(Downstream.Answering(503));
        var outcome = await sleeping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // The virtual clock has not moved since the circuit opened: the 2 s delay ended at the moment of opening.
        Assert.Equal(openedAt, Time.GetUtcNow());
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task RetryDelay_CircuitIsolatedDuringDelay_OperationEndsAtOnceWithIsolation()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var breaker = ComposedPipelines.Breaker(10, Provider);
        breaker.ManualControl = control;
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(delaySeconds: 2), breaker);
        var sleeping = pipeline.RunAsync(Downstream.Answering(503));
        Assert.False(sleeping.IsCompleted);

        await control.IsolateAsync();
        var outcome = await sleeping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task RetryDelay_AfterOpenCircuitClosedManually_DelayRunsItsFullLength()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(delaySeconds: 2), new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            ConsecutiveFailureThreshold = 2,
            MinimumThroughput = int.MaxValue,
            Classifier = Breakers.StatusClassifier,
            StateProvider = Provider,
            ManualControl = control,
        });
        await Time.RunAsync(pipeline.RunAsync(Downstream.Answering(503)), Step);
        Assert.Equal(CircuitState.Open, Provider.CircuitState);
        await control.CloseAsync();

        await AssertRetriedAfterAsync(pipeline, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RetryDelay_ServerAskedForADelay_WaitsThatLong()
    {
        await AssertRetriedAfterAsync(WithServerDelay(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task RetryDelay_ServerDelayNegative_ConfiguredDelayApplies()
    {
        await AssertRetriedAfterAsync(WithServerDelay(TimeSpan.FromSeconds(-1)), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task RetryDelay_CircuitIsolatedInOnRetry_OperationEndsAtOnceWithIsolation()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var retry = ComposedPipelines.Retry(delaySeconds: 2);
        retry.OnRetry = async _ => await control.IsolateAsync();
        var breaker = ComposedPipelines.Breaker(10, Provider);
        breaker.ManualControl = control;
        var pipeline = ComposedPipelines.Build(Time, retry, breaker);

        var running = pipeline.RunAsync(Downstream.Answering(503));

        // The clock has not moved: the delay was skipped, and the next attempt was rejected.
        Assert.True(running.IsCompleted);
        Assert.IsType<IsolatedCircuitException>((await running).Exception);
    }

    [Fact]
    public async Task RetryDelay_ShadowCircuitOpenedByTheFailure_DelayRunsItsFullLength()
    {
        var breaker = ComposedPipelines.Breaker(1);
        breaker.Enforcement = CircuitBreakerEnforcement.Shadow;

        await AssertRetriedAfterAsync(ComposedPipelines.Build(Time, ComposedPipelines.Retry(maxRetries: 1), breaker), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task RetryDelay_ShadowCircuitOpenedByOthersDuringDelay_DelayRunsItsFullLength()
    {
        var breaker = ComposedPipelines.Breaker(2);
        breaker.Enforcement = CircuitBreakerEnforcement.Shadow;
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(maxRetries: 1, delaySeconds: 2), breaker);
        var sleeper = Downstream.Answering(503);
        var sleeping = pipeline.RunAsync(sleeper);
        Time.Advance(TimeSpan.FromMilliseconds(500));

        var opening = pipeline.RunAsync(Downstream.Answering(503));
        Assert.Equal(1, sleeper.Calls);

        Time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(2, sleeper.Calls);
        await Time.RunAsync(Task.WhenAll(sleeping, opening), Step);
    }

    /// <summary>Runs an operation whose first attempt fails and asserts its retry starts exactly <paramref name="delay"/> later.</summary>
    private async Task AssertRetriedAfterAsync(ResiliencePipeline<int> pipeline, TimeSpan delay)
    {
        var running = pipeline.RunAsync(new Downstream { Behaviour = n => new(n == 1 ? 503 : 200) });
        Time.Advance(delay - TimeSpan.FromMilliseconds(100));
        Assert.False(running.IsCompleted);

        Time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(200, (await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Result);
    }

    private ResiliencePipeline<int> WithServerDelay(TimeSpan requested)
    {
        var retry = ComposedPipelines.Retry(maxRetries: 1, delaySeconds: 1);
        var breaker = ComposedPipelines.Breaker(10);
        Func<StrategyBuilderContext, ResilienceStrategy<int>> strategy
            = context => new Polly.AttemptAwareBreaker.Retry.AttemptAwareRetryResilienceStrategy<int>(retry, breaker, context, (_, _) => requested);
        return new ResiliencePipelineBuilder<int> { TimeProvider = Time }.AddStrategy(strategy, breaker).Build();
    }
}
