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
    public async Task Execute_BinaryRulesOnTop_FailureRatioStillOpens()
    {
        var options = Options(multiplier: 10);
        options.FailureRatio = 0.5;
        options.MinimumThroughput = 10;
        var pipeline = Build(options);

        await CallsAsync(pipeline, 10, 503);

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    /// <summary>
    /// The README's example (<c>AdaptiveThrottling = new() { Multiplier = 1.2 }</c>) with the breaker's other options at their defaults,
    /// against an overloaded downstream held at the throttle's equilibrium: there it accepts 1 / K of the attempts it still gets, so
    /// 1 − 1/K of them (17 %) fail, above the default failure ratio (10 %), and the failure-ratio rule opens the circuit the throttle was
    /// keeping useful. The outage simulator's overload scenario shows the same with every failure ratio up to 0.3 (12 openings).
    /// </summary>
    [Fact(Skip = "Design gap found by the simulator's overload scenario (issue 15): the failure-ratio rule opens at the throttle's own "
        + "equilibrium (1 − 1/K of attempts fail). Needs a decision: validate FailureRatio well above 1 − 1/K, or let the failure-ratio "
        + "rule defer to a throttle that is not saturated (its probability below MaxRejectionProbability), which needs the throttle's "
        + "probability in HealthSample from CircuitStateMachine.Evaluate.")]
    public async Task Execute_OverloadAtTheThrottleEquilibriumWithDefaultFailureRatio_StaysClosed()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            StateProvider = _provider,
            Classifier = Breakers.StatusClassifier,
            AdaptiveThrottling = new() { Multiplier = 1.2 },
            Randomizer = () => _random,
        };
        var pipeline = Build(options);

        // 20 attempts a second for 60 s; of every 6 attempts the downstream serves 5 (accepts = requests / K: nothing to shed).
        for (var i = 0; i < 1200; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(i % 6 == 5 ? 503 : 200));
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
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
