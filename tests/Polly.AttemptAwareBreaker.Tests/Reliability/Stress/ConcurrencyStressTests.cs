using System.Runtime.CompilerServices;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Stress;

/// <summary>
/// Many concurrent callers, random outcomes and random interleavings, a clock that moves under them so the circuit cycles through
/// every state: counts stay exact, only expected exceptions come out, probes stay within their limit, nothing deadlocks.
/// AAB_SOAK_CALLS sets the calls per run (default 100,000) for a longer local soak.
/// </summary>
[Collection(nameof(StressCollection))]
public class ConcurrencyStressTests
{
    private static readonly int Calls = int.TryParse(Environment.GetEnvironmentVariable("AAB_SOAK_CALLS"), out var n) ? n : 100_000;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    public async Task SharedPipeline_RandomOutcomesAndMovingClock_EveryCountIsExact(int callers)
    {
        var time = new FakeTimeProvider();
        var state = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddAttemptAwareCircuitBreaker(Options(state))
            .Build();
        var observed = new Tally();

        await RunCallersAsync(callers, async random =>
        {
            if (random.Next(50) == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 400)));
            }

            observed.Record((await CallAsync(pipeline, random, observed)).Outcome);
            Assert.InRange(state.GetSnapshot().HalfOpenProbesInFlight, 0, 2);
        });

        var snapshot = state.GetSnapshot();
        AssertExact(snapshot, observed);
        Assert.Equal(Calls / callers * callers, snapshot.TotalAttempts.Total + snapshot.TotalRejections);
        Assert.True(snapshot.TotalRejections > 0 && snapshot.TotalProbesAdmitted > 0, "the run never opened the circuit");
    }

    [Fact]
    public async Task HalfOpen_SixtyFourCallersOnAStoppedClock_NeverMoreThanTheConfiguredProbesAtOnce()
    {
        var time = new FakeTimeProvider();
        using var gate = new AttemptAwareCircuitBreakerGate(new() { ConsecutiveFailureThreshold = 1, HalfOpenMaxProbes = 3, BreakDuration = TimeSpan.FromSeconds(1) }, time);
        await (await gate.TryAcquireAsync()).ReportAsync(OutcomeClass.TransientFailure);
        time.Advance(TimeSpan.FromSeconds(1));
        var inFlight = 0;
        var most = 0;
        var probes = 0;

        await RunCallersAsync(64, async random =>
        {
            var permit = await gate.TryAcquireAsync();
            if (!permit.IsGranted)
            {
                return;
            }

            Interlocked.Increment(ref probes);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);

            // Ignored probes free their slot without deciding, so the circuit stays half-open for the whole run.
            await permit.ReportAsync(OutcomeClass.Ignored);
        }, calls: Calls / 10);

        Assert.InRange(most, 1, 3);
        Assert.Equal(probes, gate.GetSnapshot().TotalProbesAdmitted);
        Assert.Equal(CircuitState.HalfOpen, gate.State);
    }

    [Fact]
    public async Task ComposedPipeline_RandomOutcomes_AttemptsEqualDownstreamCallsAndOperationsEqualAdmittedOperations()
    {
        var time = new FakeTimeProvider();
        var state = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero }, Options(state))
            .Build();
        var observed = new Tally();

        await RunCallersAsync(16, async random =>
        {
            if (random.Next(50) == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 400)));
            }

            var (outcome, calls) = await CallAsync(pipeline, random, observed);
            observed.RecordOperation(outcome, calls);
        });

        var snapshot = state.GetSnapshot();
        Assert.Equal(observed.DownstreamCalls, snapshot.TotalAttempts.Total);
        Assert.Equal(observed.OperationsThatReachedTheDownstream, snapshot.TotalOperations.Total);
        Assert.Equal(0, observed.Unexpected);
    }

    [Fact]
    public async Task ManualControlSharedByThreeBreakers_IsolateAndCloseUnderLoad_CountsExactAndAllCloseAtTheEnd()
    {
        var time = new FakeTimeProvider();
        var control = new AttemptAwareCircuitBreakerManualControl();
        var breakers = Enumerable.Range(0, 3).Select(_ =>
        {
            var state = new AttemptAwareCircuitBreakerStateProvider();
            var options = Options(state);
            options.ManualControl = control;
            return (Pipeline: new ResiliencePipelineBuilder<int> { TimeProvider = time }.AddAttemptAwareCircuitBreaker(options).Build(), State: state, Tally: new Tally());
        }).ToArray();

        await RunCallersAsync(12, async random =>
        {
            switch (random.Next(200))
            {
                case 0:
                    await control.IsolateAsync();
                    return;
                case 1:
                    await control.CloseAsync();
                    return;
            }

            var (pipeline, _, tally) = breakers[random.Next(breakers.Length)];
            tally.Record((await CallAsync(pipeline, random, tally)).Outcome);
        }, calls: Calls / 2);
        await control.CloseAsync();

        foreach (var (_, state, tally) in breakers)
        {
            AssertExact(state.GetSnapshot(), tally);
            Assert.Equal(CircuitState.Closed, state.CircuitState);
        }
    }

    private static AttemptAwareCircuitBreakerStrategyOptions<int> Options(AttemptAwareCircuitBreakerStateProvider state) => new()
    {
        FailureRatio = 0.5,
        MinimumThroughput = 20,
        ConsecutiveFailureThreshold = 8,
        BreakDuration = TimeSpan.FromSeconds(1),
        HalfOpenMaxProbes = 2,
        Classifier = Breakers.StatusClassifier,
        StateProvider = state,
    };

    private static async Task<(Outcome<int> Outcome, int DownstreamCalls)> CallAsync(ResiliencePipeline<int> pipeline, Random random, Tally tally)
    {
        var context = ResilienceContextPool.Shared.Get();
        var calls = new StrongBox<int>();
        try
        {
            // The downstream answers 200, 503, 501 or 404, or throws, sometimes after yielding so callers interleave.
            var roll = random.Next(100);
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (_, s) =>
                {
                    s.Tally.CountDownstreamCall();
                    s.Calls.Value++;
                    if (s.Yield)
                    {
                        await Task.Yield();
                    }

                    return s.Roll switch
                    {
                        < 55 => Outcome.FromResult(200),
                        < 75 => Outcome.FromResult(503),
                        < 80 => Outcome.FromResult(501),
                        < 90 => Outcome.FromResult(404),
                        _ => Outcome.FromException<int>(new DownstreamException()),
                    };
                },
                context,
                (Tally: tally, Roll: roll, Yield: random.Next(4) == 0, Calls: calls));
            return (outcome, calls.Value);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task RunCallersAsync(int callers, Func<Random, Task> call, int? calls = null)
    {
        var perCaller = (calls ?? Calls) / callers;
        var tasks = Enumerable.Range(0, callers).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            for (var i = 0; i < perCaller; i++)
            {
                await call(random);
            }
        }));

        // Bounded: a deadlock fails the test instead of hanging the run.
        await Task.WhenAll(tasks).WaitAsync(Limit, TestContext.Current.CancellationToken);
    }

    private static void AssertExact(CircuitSnapshot snapshot, Tally observed)
    {
        Assert.Equal(0, observed.Unexpected);
        Assert.Equal(observed.DownstreamCalls, snapshot.TotalAttempts.Total);
        Assert.Equal(observed.Rejections, snapshot.TotalRejections);
        Assert.Equal(observed.DownstreamCalls, snapshot.TotalOperations.Total);
        Assert.Equal(observed.ByClass(OutcomeClass.Success), snapshot.TotalAttempts.Successes);
        Assert.Equal(observed.ByClass(OutcomeClass.TransientFailure), snapshot.TotalAttempts.TransientFailures);
        Assert.Equal(observed.ByClass(OutcomeClass.PermanentFailure), snapshot.TotalAttempts.PermanentFailures);
        Assert.Equal(observed.ByClass(OutcomeClass.Ignored), snapshot.TotalAttempts.Ignored);
        Assert.True(snapshot.State == CircuitState.HalfOpen || snapshot.HalfOpenProbesInFlight == 0, $"{snapshot.HalfOpenProbesInFlight} probes in flight while {snapshot.State}");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class DownstreamException : Exception;

    /// <summary>What the callers saw, counted independently of the breaker.</summary>
    private sealed class Tally
    {
        private readonly long[] _byClass = new long[4];
        private long _downstreamCalls;
        private long _rejections;
        private long _unexpected;
        private long _operationsThatReachedTheDownstream;

        public long DownstreamCalls => Interlocked.Read(ref _downstreamCalls);

        public long Rejections => Interlocked.Read(ref _rejections);

        public long Unexpected => Interlocked.Read(ref _unexpected);

        public long OperationsThatReachedTheDownstream => Interlocked.Read(ref _operationsThatReachedTheDownstream);

        public long ByClass(OutcomeClass cls) => Interlocked.Read(ref _byClass[(int)cls]);

        public void CountDownstreamCall() => Interlocked.Increment(ref _downstreamCalls);

        public void Record(Outcome<int> outcome)
        {
            var cls = outcome switch
            {
                { Exception: BrokenCircuitException or IsolatedCircuitException } => (OutcomeClass?)null,
                { Exception: DownstreamException } => OutcomeClass.TransientFailure,
                { Exception: not null } => Unexpect(),
                { Result: 200 } => OutcomeClass.Success,
                { Result: 503 } => OutcomeClass.TransientFailure,
                { Result: 501 } => OutcomeClass.PermanentFailure,
                _ => OutcomeClass.Ignored,
            };

            if (cls is { } counted)
            {
                Interlocked.Increment(ref _byClass[(int)counted]);
            }
            else if (outcome.Exception is not DownstreamException && outcome.Exception is not null && outcome.Exception is ExecutionRejectedException)
            {
                Interlocked.Increment(ref _rejections);
            }
        }

        public void RecordOperation(Outcome<int> outcome, int downstreamCalls)
        {
            if (outcome.Exception is not null and not DownstreamException and not ExecutionRejectedException)
            {
                Interlocked.Increment(ref _unexpected);
            }

            // An operation counts once it reached the downstream, even when a later retry was rejected.
            if (downstreamCalls > 0)
            {
                Interlocked.Increment(ref _operationsThatReachedTheDownstream);
            }
        }

        private OutcomeClass? Unexpect()
        {
            Interlocked.Increment(ref _unexpected);
            return null;
        }
    }
}

/// <summary>Stress tests run alone: they measure exact counts under load and should not compete with each other for the two cores.</summary>
[CollectionDefinition(nameof(StressCollection), DisableParallelization = true)]
public sealed class StressCollection;
