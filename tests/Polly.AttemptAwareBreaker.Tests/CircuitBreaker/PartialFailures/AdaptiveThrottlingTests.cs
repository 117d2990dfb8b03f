using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.PartialFailures;

/// <summary>
/// Adaptive throttling: while closed, an attempt is rejected locally with probability max(0, (requests − K·accepts) / (requests + 1)),
/// capped, over the window; the randomizer is scripted so every decision is known.
/// </summary>
public class AdaptiveThrottlingTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();
    private double _random = 0.999;

    [Fact]
    public async Task Execute_DownstreamAcceptsEverything_NeverRejects()
    {
        var pipeline = Build(Options());
        _random = 0;

        var outcomes = await CallsAsync(pipeline, 50, 200);

        Assert.All(outcomes, o => Assert.Equal(200, o.Result));
    }

    [Fact]
    public async Task Execute_HalfTheAttemptsFailed_RejectsBelowTheSreProbability()
    {
        var pipeline = Build(Options(multiplier: 1));
        await CallsAsync(pipeline, 10, 200);
        await CallsAsync(pipeline, 10, 503);

        // 20 requests, 10 accepts, K = 1: p = (20 − 10) / 21 = 0.476.
        _random = 0.47;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task Execute_HalfTheAttemptsFailed_AdmitsAboveTheSreProbability()
    {
        var pipeline = Build(Options(multiplier: 1));
        await CallsAsync(pipeline, 10, 200);
        await CallsAsync(pipeline, 10, 503);

        _random = 0.48;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_RequestsWithinKTimesAccepts_NeverRejects()
    {
        var pipeline = Build(Options(multiplier: 2));
        await CallsAsync(pipeline, 10, 200);
        await CallsAsync(pipeline, 10, 503);

        // 20 requests ≤ 2 × 10 accepts: p = 0.
        _random = 0;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_Rejected_FailsWithBrokenCircuitExceptionAndATenthOfTheWindowAsRetryAfter()
    {
        var pipeline = await ThrottlingAsync();

        var outcome = await pipeline.RunAsync(new Downstream());

        var rejection = Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(TimeSpan.FromSeconds(1), rejection.RetryAfter);
        Assert.Contains("adaptive throttling", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_Rejected_CountedAsARejectionNotAnAttempt()
    {
        var pipeline = await ThrottlingAsync();
        var before = _provider.GetSnapshot();

        await pipeline.RunAsync(new Downstream());

        var after = _provider.GetSnapshot();
        Assert.Equal((before.TotalRejections + 1, before.TotalAttempts), (after.TotalRejections, after.TotalAttempts));
    }

    [Fact]
    public async Task Execute_Rejected_CountsAsARequestForTheNextDecision()
    {
        var pipeline = Build(Options(multiplier: 1));
        await CallsAsync(pipeline, 10, 200);
        await CallsAsync(pipeline, 10, 503);
        _random = 0;
        await pipeline.RunAsync(new Downstream());

        // 21 requests now (the rejection among them), 10 accepts: p = 11 / 22 = 0.5.
        _random = 0.49;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task Execute_IgnoredOutcomes_CountNeitherWay()
    {
        var pipeline = Build(Options(multiplier: 1));
        await CallsAsync(pipeline, 10, 200);
        await CallsAsync(pipeline, 10, 503);
        await CallsAsync(pipeline, 100, 404);

        // Still 20 requests and 10 accepts: p = 0.476.
        _random = 0.48;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_FewerRequestsThanTheMinimum_NeverRejects()
    {
        var pipeline = Build(Options(multiplier: 1, minimumRequests: 21));
        await CallsAsync(pipeline, 20, 503);
        _random = 0;

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_EveryAttemptFailed_RejectsAtMostTheMaximumProbability()
    {
        var pipeline = Build(Options(multiplier: 1, maxRejection: 0.8));
        await CallsAsync(pipeline, 20, 503);

        _random = 0.8;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_CountsOlderThanTheWindow_AreForgotten()
    {
        var pipeline = await ThrottlingAsync();

        _time.Advance(TimeSpan.FromSeconds(11));
        _random = 0;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task ExecuteComposed_Rejected_IsNeverRetried()
    {
        var options = Options(multiplier: 1);
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int> { Delay = TimeSpan.Zero, RetryBudget = null }, options)
            .Build();
        for (var i = 0; i < 20; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(i < 10 ? 200 : 503));
        }

        _random = 0;
        var downstream = new Downstream();
        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task Execute_ThrottleAtItsCap_FailureRatioOpens()
    {
        var options = Options(multiplier: 1, maxRejection: 0.5);
        options.FailureRatio = 0.5;
        options.MinimumThroughput = 10;
        var pipeline = Build(options);

        // Every attempt fails: p = 10 / 11 would be 0.91, capped at 0.5, so the throttle cannot help and the binary rule decides.
        await CallsAsync(pipeline, 10, 503);

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_ThrottleSheddingBelowItsCap_FailureRatioWaits()
    {
        var options = Options(multiplier: 1.2, maxRejection: 0.8);
        options.FailureRatio = 0.2;
        options.MinimumThroughput = 20;
        var pipeline = Build(options);

        // A quarter of the attempts fail: over the ratio, but p = (R − 1.2 × 0.75 R) / (R + 1) ≈ 0.1: the throttle is shedding.
        for (var i = 0; i < 40; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(i % 4 == 3 ? 503 : 200));
        }

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_SameFailuresWithoutThrottling_FailureRatioOpens()
    {
        var options = Options();
        options.AdaptiveThrottling = null;
        options.FailureRatio = 0.2;
        options.MinimumThroughput = 20;
        var pipeline = Build(options);

        for (var i = 0; i < 40; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(i % 4 == 3 ? 503 : 200));
        }

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_FailureRatioAtTheThrottlesEquilibrium_ThrowsValidationExceptionSayingWhy()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { AdaptiveThrottling = new() { Multiplier = 1.25 } };

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(options));

        Assert.Contains("FailureRatio is 0.1; with AdaptiveThrottling.Multiplier 1.25 the throttle keeps 1 - 1/K = 0.2 of the attempts it lets through failing, so FailureRatio must be above 0.2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ReloadKeepingTheWindow_KeepsTheCounts()
    {
        var registry = new AttemptAwareCircuitBreakerRegistry();
        var options = Options(multiplier: 1);
        options.Registry = registry;
        var pipeline = Build(options);
        await CallsAsync(pipeline, 10, 200);
        await CallsAsync(pipeline, 10, 503);

        var reloaded = Options(multiplier: 1);
        reloaded.Registry = registry;
        reloaded.StateProvider = null;
        pipeline = Build(reloaded);
        _random = 0.47;
        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task TryAcquireAsync_Gate_ThrottlesLikeThePipeline()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(
            new AttemptAwareCircuitBreakerStrategyOptions
            {
                FailureRatio = 1,
                MinimumThroughput = int.MaxValue,
                AdaptiveThrottling = new() { Multiplier = 1, MinimumRequests = 0 },
                Randomizer = () => _random,
            },
            _time);
        for (var i = 0; i < 20; i++)
        {
            var permit = await gate.TryAcquireAsync();
            await permit.ReportAsync(i < 10 ? OutcomeClass.Success : OutcomeClass.TransientFailure);
        }

        _random = 0.47;
        var refused = await gate.TryAcquireAsync();

        Assert.IsType<BrokenCircuitException>(refused.Rejection);
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(double multiplier = 2, int minimumRequests = 0, double maxRejection = 0.99) => new()
    {
        Name = "throttled",
        FailureRatio = 1,
        MinimumThroughput = int.MaxValue,
        StateProvider = _provider,
        Classifier = Breakers.StatusClassifier,
        AdaptiveThrottling = new()
        {
            Multiplier = multiplier,
            Window = TimeSpan.FromSeconds(10),
            MinimumRequests = minimumRequests,
            MaxRejectionProbability = maxRejection,
        },
        Randomizer = () => _random,
    };

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "throttling", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();

    /// <summary>A pipeline whose window holds 20 failures: every attempt is rejected while the randomizer returns 0.</summary>
    private async Task<ResiliencePipeline<int>> ThrottlingAsync()
    {
        var pipeline = Build(Options(multiplier: 1));
        await CallsAsync(pipeline, 20, 503);
        _random = 0;
        return pipeline;
    }

    private static async Task<List<Outcome<int>>> CallsAsync(ResiliencePipeline<int> pipeline, int count, int status)
    {
        var outcomes = new List<Outcome<int>>();
        for (var i = 0; i < count; i++)
        {
            outcomes.Add(await pipeline.RunAsync(Downstream.Answering(status)));
        }

        return outcomes;
    }
}
