using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class TripRulesTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ConsecutiveFailureThreshold_FiveSingleAttemptOperations_ExactlyFiveDownstreamCallsBeforeFirstRejection()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(5), _time);
        var downstream = Downstream.AlwaysFailing();

        var rejectedAt = await CallsBeforeFirstRejectionAsync(() => pipeline.RunAsync(downstream), downstream);

        Assert.Equal(5, rejectedAt);
    }

    [Fact]
    public async Task ConsecutiveFailureThreshold_AttemptsFromPollyRetryOutside_ExactlyFiveDownstreamCallsBeforeFirstRejection()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero })
            .AddAttemptAwareCircuitBreaker(Breakers.Consecutive(5))
            .Build();
        var downstream = Downstream.AlwaysFailing();

        var rejectedAt = await CallsBeforeFirstRejectionAsync(() => pipeline.RunAsync(downstream), downstream);

        Assert.Equal(5, rejectedAt);
    }

    [Fact]
    public async Task ConsecutiveFailureThreshold_SuccessInBetween_ResetsTheRun()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(3), _time);
        var downstream = new Downstream { Behaviour = n => n == 3 ? new(200) : throw new InvalidOperationException() };

        for (var i = 0; i < 4; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<InvalidOperationException>(outcome.Exception);
    }

    [Fact]
    public async Task ConsecutiveFailureThreshold_IgnoredOutcomeInBetween_DoesNotResetTheRun()
    {
        var options = Breakers.Consecutive(3);
        options.Classifier = Breakers.StatusClassifier;
        var pipeline = Breakers.Build(options, _time);
        var downstream = new Downstream { Behaviour = n => new(n == 2 ? 404 : 503) };

        for (var i = 0; i < 4; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task FailureRatio_ReachedWithMinimumThroughput_OpensCircuit()
    {
        var pipeline = Breakers.Build(new() { FailureRatio = 0.5, MinimumThroughput = 10 }, _time);
        var downstream = new Downstream { Behaviour = n => n % 2 == 0 ? throw new InvalidOperationException() : new(200) };

        for (var i = 0; i < 10; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(10, downstream.Calls);
    }

    [Fact]
    public async Task FailureRatio_BelowMinimumThroughput_KeepsCircuitClosed()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = Breakers.Build(new() { FailureRatio = 0.5, MinimumThroughput = 10, StateProvider = provider }, _time);
        var downstream = Downstream.AlwaysFailing();

        for (var i = 0; i < 9; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        Assert.Equal(CircuitState.Closed, provider.CircuitState);
    }

    [Fact]
    public async Task FailureRatio_FailuresOlderThanSamplingDuration_AreForgotten()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = Breakers.Build(new() { FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(10), StateProvider = provider }, _time);
        var failing = Downstream.AlwaysFailing();

        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(failing);
        }

        _time.Advance(TimeSpan.FromSeconds(11));
        await pipeline.RunAsync(failing);

        Assert.Equal(CircuitState.Closed, provider.CircuitState);
        Assert.Equal(1, provider.GetSnapshot().WindowAttempts.Failures);
    }

    [Fact]
    public async Task FailureRatio_IgnoredOutcomes_DoNotCountTowardsThroughput()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            Classifier = Breakers.StatusClassifier,
            StateProvider = provider,
        };
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(Downstream.Answering(503));
        for (var i = 0; i < 10; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(400));
        }

        await pipeline.RunAsync(Downstream.Answering(503));

        Assert.Equal(CircuitState.Closed, provider.CircuitState);
    }

    [Fact]
    public async Task Classifier_ThousandIgnoredOutcomes_NeverOpensCircuit()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var options = Breakers.Consecutive(5, provider);
        options.Classifier = Breakers.StatusClassifier;
        options.MinimumThroughput = 2;
        options.FailureRatio = 0.01;
        var pipeline = Breakers.Build(options, _time);
        var downstream = Downstream.Answering(400);

        for (var i = 0; i < 1000; i++)
        {
            await pipeline.RunAsync(downstream);
        }

        Assert.Equal(CircuitState.Closed, provider.CircuitState);
        Assert.Equal(1000, downstream.Calls);
        Assert.Equal(1000, provider.GetSnapshot().WindowAttempts.Ignored);
    }

    private static async Task<int> CallsBeforeFirstRejectionAsync(Func<Task<Outcome<int>>> run, Downstream downstream)
    {
        for (var i = 0; i < 100; i++)
        {
            var before = downstream.Calls;
            var outcome = await run();
            if (outcome.Exception is BrokenCircuitException)
            {
                // Calls made by this operation before its rejection happened before the first rejection too.
                return downstream.Calls;
            }

            Assert.True(downstream.Calls > before);
        }

        throw new InvalidOperationException("The circuit never opened.");
    }
}
