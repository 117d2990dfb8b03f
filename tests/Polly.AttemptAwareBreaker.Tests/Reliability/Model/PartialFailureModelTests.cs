using CsCheck;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// Model-based property test of the opt-in rules through the gate: random option sets switch on the slow attempt rule, adaptive
/// throttling, the recovery ramp and server-requested breaks each about half the time, shadow enforcement a quarter of the time;
/// random commands (calls, held attempts that finish later — so their duration is what the clock advanced —, outcomes that ask for a
/// pause, clock advances from 25 ms (inside a slice of the smallest slow threshold) to 6 s, manual isolate and close) drive the breaker
/// and <see cref="BreakerModel"/>. Every admission carries the random numbers the breaker's randomizer returns, in order: the ramp's draw, then the throttle's. After every
/// step the decisions, <c>RetryAfter</c> of a rejection, state changes with their reasons, counts, slow counts and random draws agree.
/// </summary>
public class PartialFailureModelTests
{
    private static readonly double[] DrawValues = [0, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95];

    private static readonly Gen<ThrottleModel.Settings?> Throttles =
        from enabled in Gen.Bool
        from multiplier in OneOf(1.0, 1.5, 2.0)
        from window in OneOf(1, 3, 10)
        from minimum in OneOf(0, 2, 4, 8)
        from max in OneOf(0.5, 0.8, 0.99)
        select enabled ? new ThrottleModel.Settings(multiplier, TimeSpan.FromSeconds(window), minimum, max) : null;

    private static readonly Gen<BreakerModel.Settings> Settings =
        from consecutive in OffOr(1, 2, 3, 4)
        from minimum in Gen.Int[2, 10]
        from ratio in Gen.Int[1, 4].Select(q => q / 4.0)
        from breakSeconds in Gen.Int[1, 5]
        from probes in Gen.Int[1, 3]
        from successes in Gen.Int[1, 2]
        from samplingSeconds in Gen.Int[2, 10]
        from slowMilliseconds in OffOr(300, 500, 1000, 2500)
        from slowRatio in Gen.Int[1, 4].Select(q => q / 4.0)
        from throttle in Throttles
        from rampMilliseconds in OffOr(500, 3000, 8000, 20000)
        from rampFloor in OneOf(0.1, 0.5, 0.75, 1.0)
        from shadow in Gen.Int[0, 3].Select(i => i == 0)
        from pauses in OffOr((0, 500), (500, 2000), (1000, 2000), (1000, 5000), (0, 5000))
        select new BreakerModel.Settings(
            consecutive,
            minimum,
            throttle is { } t && ratio <= 1 - (1 / t.Multiplier) ? 1.0 : ratio, // the options require a ratio above the throttle's equilibrium
            TimeSpan.FromSeconds(breakSeconds),
            probes,
            successes,
            TimeSpan.FromSeconds(samplingSeconds))
        {
            SlowThreshold = slowMilliseconds is { } slow ? TimeSpan.FromMilliseconds(slow) : null,
            SlowRatio = slowRatio,
            Throttle = throttle,
            Ramp = rampMilliseconds is { } ramp ? TimeSpan.FromMilliseconds(ramp) : null,
            RampFloor = rampFloor,
            Shadow = shadow,
            PauseMinimum = pauses is { } limits ? TimeSpan.FromMilliseconds(limits.Item1) : null,
            PauseMaximum = pauses is { } range ? TimeSpan.FromMilliseconds(range.Item2) : TimeSpan.FromMinutes(5),
        };

    /// <summary>Gets outcomes of every class, successes the most common, so circuits close after a break and recovery ramps run.</summary>
    private static readonly Gen<OutcomeClass> Outcomes = Gen.Frequency(
        (4, Gen.Const(OutcomeClass.Success)),
        (2, Gen.Const(OutcomeClass.TransientFailure)),
        (1, Gen.Const(OutcomeClass.PermanentFailure)),
        (1, Gen.Const(OutcomeClass.Ignored)));

    private static readonly Gen<double[]> Draws = OneOf(DrawValues).Array[2];

    /// <summary>Gets the pause an outcome asks for: mostly none; else below, at, between and beyond the sampled limits.</summary>
    private static readonly Gen<TimeSpan?> Pauses = Gen.Int[0, 14].Select(i => i < 10 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(new[] { 300, 500, 1000, 2000, 7000 }[i - 10]));

    private static readonly Gen<ModelDriver<PartialFailureSubject>.Command> Advances =
        OneOf(25, 50, 100, 250, 500, 1000, 2000, 6000).Select(ms => (ModelDriver<PartialFailureSubject>.Command)new ModelDriver<PartialFailureSubject>.Advance(ms));

    private static readonly Gen<ModelDriver<PartialFailureSubject>.Command> Commands = Gen.Frequency(
        (30, Gen.Select(Outcomes, Draws, Pauses, (c, d, p) => (ModelDriver<PartialFailureSubject>.Command)new Call(c, d, p))),
        (20, Draws.Select(d => (ModelDriver<PartialFailureSubject>.Command)new Start(d))),
        (20, Gen.Select(Gen.Int[0, 7], Outcomes, Pauses, (i, c, p) => (ModelDriver<PartialFailureSubject>.Command)new Finish(i, c, p))),
        (26, Advances),
        (2, ModelDriver<PartialFailureSubject>.Isolates),
        (2, ModelDriver<PartialFailureSubject>.Closes));

    [Fact]
    public Task Breaker_RandomCommandsWithTheOptInRules_AgreesWithTheModelAfterEveryStep()
        => ModelDriver<PartialFailureSubject>.CheckAsync(Settings, Commands.Array[1, 100], defaultIterations: 2_000, PartialFailureSubject.Create);

    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    /// <summary>Off (null) half the time, else one of <paramref name="values"/>.</summary>
    private static Gen<T?> OffOr<T>(params T[] values)
        where T : struct
        => Gen.Int[0, (2 * values.Length) - 1].Select(i => i < values.Length ? values[i] : (T?)null);

    /// <summary>The model's randomizer for one admission: the numbers the command carries, in order.</summary>
    private static Func<double> InOrder(double[] draws)
    {
        var next = 0;
        return () => draws[next++];
    }

    private static string Describe(double[] draws, TimeSpan? pause)
        => $"draws {string.Join("/", draws)}{(pause is { } p ? $", asks for {p.TotalMilliseconds} ms" : string.Empty)}";

    /// <summary>An attempt that reports at once (its outcome may ask for a pause).</summary>
    internal sealed record Call(OutcomeClass Outcome, double[] Draws, TimeSpan? Pause) : ModelDriver<PartialFailureSubject>.Command
    {
        public override string ToString() => $"Call({Outcome}, {Describe(Draws, Pause)})";

        public override async ValueTask RunAsync(ModelDriver<PartialFailureSubject> driver)
        {
            var now = driver.Time.GetTimestamp();
            var permit = await driver.Subject.AcquireAsync(Draws);
            var ticket = driver.Model.Acquire(now, InOrder(Draws));
            PartialFailureSubject.AssertSameDecision(permit, ticket, driver.Model, driver.Step);
            if (ticket is { } granted)
            {
                await PartialFailureSubject.ReportAsync(permit, Outcome, Pause);
                driver.Model.Report(granted, Outcome, now, Pause);
            }
        }
    }

    /// <summary>An attempt that is admitted now and held until a <see cref="Finish"/> reports it.</summary>
    internal sealed record Start(double[] Draws) : ModelDriver<PartialFailureSubject>.Command
    {
        public override string ToString() => $"Start({Describe(Draws, null)})";

        public override async ValueTask RunAsync(ModelDriver<PartialFailureSubject> driver)
        {
            var permit = await driver.Subject.AcquireAsync(Draws);
            var ticket = driver.Model.Acquire(driver.Time.GetTimestamp(), InOrder(Draws));
            PartialFailureSubject.AssertSameDecision(permit, ticket, driver.Model, driver.Step);
            if (ticket is { } hold)
            {
                driver.Subject.Held.Add((permit, hold));
            }
        }
    }

    /// <summary>Reports one of the held attempts (none when nothing is held); its outcome may ask for a pause.</summary>
    internal sealed record Finish(int Index, OutcomeClass Outcome, TimeSpan? Pause) : ModelDriver<PartialFailureSubject>.Command
    {
        public override string ToString() => $"Finish({Index}, {Outcome}{(Pause is { } p ? $", asks for {p.TotalMilliseconds} ms" : string.Empty)})";

        public override async ValueTask RunAsync(ModelDriver<PartialFailureSubject> driver)
        {
            var held = driver.Subject.Held;
            if (held.Count == 0)
            {
                return;
            }

            var now = driver.Time.GetTimestamp();
            var (permit, ticket) = held[Index % held.Count];
            held.RemoveAt(Index % held.Count);
            await PartialFailureSubject.ReportAsync(permit, Outcome, Pause);
            driver.Model.Report(ticket, Outcome, now, Pause);
        }
    }

    /// <summary>
    /// The breaker through the gate, in a registry that reports its state changes, with the attempts a <see cref="Start"/> holds and a
    /// randomizer that returns the numbers of the current command. An outcome asks for a pause by being reported with a
    /// <see cref="PauseRequestedException"/>, which the requested-break generator reads.
    /// </summary>
    internal sealed class PartialFailureSubject : IModelSubject
    {
        private readonly AttemptAwareCircuitBreakerRegistry _registry = new();
        private readonly List<(CircuitState State, CircuitStateChangeReason Reason)> _transitions = [];
        private double[] _draws = [];
        private int _next;

        private PartialFailureSubject(ModelDriver<PartialFailureSubject> driver)
        {
            var options = new AttemptAwareCircuitBreakerStrategyOptions
            {
                Name = "model",
                Registry = _registry,
                Randomizer = NextDraw,
                RequestedBreakGenerator = driver.Settings.PauseMinimum is null
                    ? null
                    : args => new(args.Outcome.Exception is PauseRequestedException asked ? asked.Pause : null),
            };
            driver.ConfigureBreaker(options);
            _registry.StateChanged += (_, change) => _transitions.Add((change.ToState, change.Reason));
            Gate = new AttemptAwareCircuitBreakerGate(options, driver.Time);
        }

        public AttemptAwareCircuitBreakerGate Gate { get; }

        public List<(BreakerPermit Permit, BreakerModel.Ticket Ticket)> Held { get; } = [];

        /// <summary>Gets how many random numbers the breaker drew.</summary>
        public int Drawn { get; private set; }

        public static PartialFailureSubject Create(ModelDriver<PartialFailureSubject> driver) => new(driver);

        public static void AssertSameDecision(BreakerPermit permit, BreakerModel.Ticket? ticket, BreakerModel model, int step)
        {
            Assert.True(permit.IsGranted == ticket.HasValue, $"step {step}: breaker granted {permit.IsGranted}, model {ticket.HasValue}");
            Assert.True(!permit.IsGranted || permit.IsProbe == ticket!.Value.Slot >= 0, $"step {step}: probe {permit.IsProbe} vs model slot {ticket?.Slot}");
            var retryAfter = (permit.Rejection as BrokenCircuitException)?.RetryAfter;
            Assert.True(
                permit.IsGranted || (retryAfter == model.LastRetryAfter && permit.Rejection is IsolatedCircuitException == model.LastRetryAfter is null),
                $"step {step}: rejected with {permit.Rejection?.GetType().Name} RetryAfter {retryAfter}, model RetryAfter {model.LastRetryAfter}");
        }

        public static ValueTask ReportAsync(BreakerPermit permit, OutcomeClass outcome, TimeSpan? pause)
            => permit.ReportAsync(outcome, pause is { } asked ? new PauseRequestedException(asked) : null);

        /// <summary>Admits an attempt whose randomizer returns <paramref name="draws"/> in order.</summary>
        public ValueTask<BreakerPermit> AcquireAsync(double[] draws)
        {
            _draws = draws;
            _next = 0;
            return Gate.TryAcquireAsync();
        }

        public void Compare(ModelComparison comparison, BreakerModel model, long now)
        {
            var snapshot = Gate.GetSnapshot();
            comparison
                .Add("state", snapshot.State, model.State)
                .Add("transitions", string.Join(" ", _transitions), string.Join(" ", model.Transitions))
                .Add("break left", snapshot.RetryAfter, model.BreakLeft(now))
                .Add("totals", snapshot.TotalAttempts, model.Totals)
                .Add("shadow attempts", snapshot.TotalShadowAttempts, model.ShadowTotals)
                .Add("rejections", snapshot.TotalRejections, model.Rejections)
                .Add("window rejections", snapshot.WindowRejections, model.WindowRejections(now))
                .Add("slow attempts", snapshot.TotalSlowAttempts, model.TotalSlow)
                .Add("window slow attempts", snapshot.WindowSlowAttempts, model.WindowSlow(now))
                .Add("consecutive failures", snapshot.ConsecutiveFailures, model.Consecutive)
                .Add("probes in flight", snapshot.HalfOpenProbesInFlight, model.ProbesInFlight)
                .Add("probes admitted", snapshot.TotalProbesAdmitted, model.ProbesAdmitted)
                .Add("window", snapshot.WindowAttempts, model.WindowCounts(now))
                .Add("random draws", Drawn, model.Draws);
        }

        public void Dispose() => Gate.Dispose();

        private double NextDraw()
        {
            Drawn++;
            return _next < _draws.Length
                ? _draws[_next++]
                : throw new InvalidOperationException($"The breaker drew {_next + 1} random numbers for one admission; the command carries {_draws.Length}.");
        }
    }

    /// <summary>The exception a gate user reports with an outcome that asks for a pause (as a 429 with <c>Retry-After</c> would).</summary>
    internal sealed class PauseRequestedException(TimeSpan pause) : Exception($"The downstream asks for a pause of {pause}.")
    {
        public TimeSpan Pause { get; } = pause;
    }
}
