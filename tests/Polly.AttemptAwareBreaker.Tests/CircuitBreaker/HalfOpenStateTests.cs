using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class HalfOpenStateTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();

    [Fact]
    public async Task Execute_AfterBreak_SuccessfulProbeClosesCircuit()
    {
        var pipeline = await OpenedPipelineAsync(Breakers.Consecutive(1, _provider));
        _time.Advance(Breakers.Break);

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_FailingProbe_ReopensWithFreshBreak()
    {
        var pipeline = await OpenedPipelineAsync(Breakers.Consecutive(1, _provider));
        _time.Advance(Breakers.Break);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(TimeSpan.FromSeconds(1));

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        Assert.Equal(TimeSpan.FromSeconds(4), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
    }

    [Fact]
    public async Task HalfOpenMaxProbes_Three_With200ConcurrentCallers_ExactlyThreeReachDownstream()
    {
        var options = Breakers.Consecutive(1, _provider);
        options.HalfOpenMaxProbes = 3;
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var downstream = new Downstream { Behaviour = _ => new(release.Task) };

        var finished = 0;
        var rejected = 0;
        var othersFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            var outcome = await pipeline.RunAsync(downstream);
            if (outcome.Exception is BrokenCircuitException)
            {
                Interlocked.Increment(ref rejected);
            }

            if (Interlocked.Increment(ref finished) == 197)
            {
                othersFinished.SetResult();
            }

            return outcome;
        })).ToArray();

        // Every caller but the admitted probes finishes without the downstream answering.
        await othersFinished.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(197, rejected);
        Assert.Equal(3, downstream.Calls);
        release.SetResult(200);
        await Task.WhenAll(callers);
    }

    [Fact]
    public async Task HalfOpenSuccessThreshold_Two_OneSuccessKeepsCircuitHalfOpen()
    {
        var options = Breakers.Consecutive(1, _provider);
        options.HalfOpenSuccessThreshold = 2;
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitState.HalfOpen, _provider.CircuitState);
    }

    [Fact]
    public async Task HalfOpenSuccessThreshold_Two_SecondSuccessClosesCircuit()
    {
        var options = Breakers.Consecutive(1, _provider);
        options.HalfOpenSuccessThreshold = 2;
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());
        await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_CancelledProbe_FreesItsSlot()
    {
        var pipeline = await OpenedPipelineAsync(Breakers.Consecutive(1, _provider));
        _time.Advance(Breakers.Break);
        using var cts = new CancellationTokenSource();
        var cancelling = new Downstream
        {
            Behaviour = _ =>
            {
                cts.Cancel();
                throw new OperationCanceledException(cts.Token);
            },
        };

        var cancelled = await pipeline.RunAsync(cancelling, cts.Token);
        var next = new Downstream();
        var outcome = await pipeline.RunAsync(next);

        Assert.IsType<OperationCanceledException>(cancelled.Exception);
        Assert.Equal(1, next.Calls);
        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_IgnoredProbe_FreesSlotWithoutClosing()
    {
        var options = Breakers.Consecutive(1, _provider);
        options.Classifier = Breakers.StatusClassifier;
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.Answering(404));

        Assert.Equal(CircuitState.HalfOpen, _provider.CircuitState);
        Assert.Equal(0, _provider.GetSnapshot().HalfOpenProbesInFlight);
    }

    [Fact]
    public async Task Execute_HungProbe_NextProbeAdmittedAfterBreakDuration()
    {
        var pipeline = await OpenedPipelineAsync(Breakers.Consecutive(1, _provider));
        _time.Advance(Breakers.Break);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = pipeline.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) });
        var blocked = await pipeline.RunAsync(new Downstream());
        _time.Advance(Breakers.Break);

        var next = new Downstream();
        var outcome = await pipeline.RunAsync(next);

        Assert.IsType<BrokenCircuitException>(blocked.Exception);
        Assert.Equal(1, next.Calls);
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        hung.SetResult(200);
        await hanging;
    }

    [Fact]
    public async Task Execute_HungProbeFinishesLateAfterItsSlotExpired_DoesNotDecideForTheNewProbe()
    {
        var options = Breakers.Consecutive(1, _provider);
        options.HalfOpenSuccessThreshold = 2;
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = pipeline.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) });
        _time.Advance(Breakers.Break);
        var blocker = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(blocker.Task) });

        hung.SetResult(200);
        await hanging;

        Assert.Equal(CircuitState.HalfOpen, _provider.CircuitState);
        Assert.Equal(1, _provider.GetSnapshot().HalfOpenProbesInFlight);
        blocker.SetResult(200);
        await probe;
    }

    [Fact]
    public async Task Classifier_ThrowsOnProbe_SlotReleasedAndCircuitReopens()
    {
        var options = Breakers.Consecutive(1, _provider);
        options.Classifier = args => args.Outcome.Result == 201 ? throw new FormatException("bad classifier") : OutcomeClassifiers.Default(args);
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        var outcome = await pipeline.RunAsync(Downstream.Answering(201));

        Assert.IsType<FormatException>(outcome.Exception);
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        Assert.Equal(0, _provider.GetSnapshot().HalfOpenProbesInFlight);
    }

    [Fact]
    public async Task OnHalfOpened_BreakEnds_IsRaisedOnceBeforeProbe()
    {
        var raised = 0;
        var options = Breakers.Consecutive(1, _provider);
        options.OnHalfOpened = _ =>
        {
            raised++;
            return default;
        };
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(1, raised);
    }

    [Fact]
    public async Task Execute_HalfOpenEverySlotTaken_RetryAfterIsWhenTheProbesLeaseEnds()
    {
        var pipeline = await OpenedPipelineAsync(Breakers.Consecutive(1, _provider));
        _time.Advance(Breakers.Break);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(release.Task) });
        _time.Advance(TimeSpan.FromSeconds(2));

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
        release.SetResult(200);
        await probe;
    }

    [Fact]
    public async Task Snapshot_AfterProbes_CountsEveryProbeAdmitted()
    {
        var pipeline = await OpenedPipelineAsync(Breakers.Consecutive(1, _provider));
        _time.Advance(Breakers.Break);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(2, _provider.GetSnapshot().TotalProbesAdmitted);
    }

    [Fact]
    public async Task Execute_IgnoredProbeRetriedByPollyRetry_ClassifierSeesNextAttemptNumber()
    {
        var options = Breakers.Consecutive(1, _provider);
        var attemptNumbers = new List<int>();
        options.Classifier = args =>
        {
            attemptNumbers.Add(args.AttemptNumber);
            return Breakers.StatusClassifier(args);
        };
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new Polly.Retry.RetryStrategyOptions<int> { MaxRetryAttempts = 1, Delay = TimeSpan.Zero, ShouldHandle = args => new(args.Outcome.Result == 404) })
            .AddAttemptAwareCircuitBreaker(options)
            .Build();
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        attemptNumbers.Clear();

        await pipeline.RunAsync(Downstream.Answering(404));

        Assert.Equal([0, 1], attemptNumbers);
    }

    [Fact]
    public async Task OnClosed_ProbesSucceed_IsNotManual()
    {
        var options = Breakers.Consecutive(1, _provider);
        bool? isManual = null;
        options.OnClosed = args =>
        {
            isManual = args.IsManual;
            return default;
        };
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.False(isManual);
    }

    [Fact]
    public async Task Registry_ProbeFails_StateChangeComesFromHalfOpen()
    {
        var registry = new AttemptAwareCircuitBreakerRegistry();
        var changes = new List<CircuitStateChange>();
        registry.StateChanged += (_, change) => changes.Add(change);
        var options = Breakers.Consecutive(1);
        options.Registry = registry;
        var pipeline = await OpenedPipelineAsync(options);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((CircuitState.HalfOpen, CircuitState.Open, CircuitStateChangeReason.ProbeFailed), (changes[^1].FromState, changes[^1].ToState, changes[^1].Reason));
    }

    [Fact]
    public async Task HalfOpenMaxProbes_ReloadShrinksWhileProbesInFlight_ProbeInRemovedSlotCompletesNormally()
    {
        var registry = new AttemptAwareCircuitBreakerRegistry();
        var options = Breakers.Consecutive(1, _provider);
        options.HalfOpenMaxProbes = 2;
        options.Registry = registry;
        var pipeline = Named(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstProbe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(first.Task) });
        var secondProbe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(second.Task) });
        var reloaded = Breakers.Consecutive(1, _provider);
        reloaded.HalfOpenMaxProbes = 1;
        reloaded.Registry = registry;
        _ = Named(reloaded);

        second.SetResult(200);
        var outcome = await secondProbe;

        Assert.Equal(200, outcome.Result);
        first.SetResult(200);
        await firstProbe;

        ResiliencePipeline<int> Named(AttemptAwareCircuitBreakerStrategyOptions<int> o)
            => new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(o).Build();
    }

    [Fact]
    public async Task Execute_EveryProbeSlotTaken_RejectionCarriesTheLastFailure()
    {
        var failure = new TimeoutException("the last failure");
        var pipeline = Breakers.Build(Breakers.Consecutive(1, _provider), _time);
        await pipeline.RunAsync(new Downstream { Behaviour = _ => throw failure });
        _time.Advance(Breakers.Break);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(release.Task) });

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Same(failure, Assert.IsType<BrokenCircuitException>(outcome.Exception).InnerException);
        release.SetResult(200);
        await probe;
    }

    private async Task<ResiliencePipeline<int>> OpenedPipelineAsync(AttemptAwareCircuitBreakerStrategyOptions<int> options)
    {
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        return pipeline;
    }
}
