using CsCheck;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// Model-based property tests: random option sets and random command sequences (outcomes of every class, held attempts that finish
/// later — concurrent probes among them —, clock advances, manual isolate and close) drive the real breaker (through the gate, which
/// lets a test hold a permit) and <see cref="BreakerModel"/>; after every step their state, decisions and counts must agree.
/// </summary>
public class BreakerModelTests
{
    private static readonly Gen<BreakerModel.Settings> Settings =
        from consecutive in Gen.Int[0, 4]
        from minimum in Gen.Int[2, 6]
        from ratio in Gen.Int[1, 4].Select(q => q / 4.0)
        from breakSeconds in Gen.Int[1, 5]
        from probes in Gen.Int[1, 3]
        from successes in Gen.Int[1, 2]
        from samplingSeconds in Gen.Int[2, 10]
        select new BreakerModel.Settings(
            consecutive == 0 ? null : consecutive, minimum, ratio, TimeSpan.FromSeconds(breakSeconds), probes, successes, TimeSpan.FromSeconds(samplingSeconds));

    private static readonly Gen<OutcomeClass> Outcomes = Gen.Enum<OutcomeClass>();

    private static readonly Gen<ModelDriver<GateSubject>.Command> Commands = Gen.Frequency(
        (35, Outcomes.Select(c => (ModelDriver<GateSubject>.Command)new Call(c))),
        (15, Gen.Const((ModelDriver<GateSubject>.Command)new Start())),
        (15, Gen.Select(Gen.Int[0, 7], Outcomes, (i, c) => (ModelDriver<GateSubject>.Command)new Finish(i, c))),
        (20, ModelDriver<GateSubject>.Advances),
        (5, ModelDriver<GateSubject>.Isolates),
        (5, ModelDriver<GateSubject>.Closes));

    [Fact]
    public Task Breaker_RandomCommandSequences_AgreesWithTheModelAfterEveryStep()
        => ModelDriver<GateSubject>.CheckAsync(Settings, Commands.Array[1, 60], defaultIterations: 3_000, GateSubject.Create);

    /// <summary>An attempt that reports at once.</summary>
    internal sealed record Call(OutcomeClass Outcome) : ModelDriver<GateSubject>.Command
    {
        public override async ValueTask RunAsync(ModelDriver<GateSubject> driver)
        {
            var now = driver.Time.GetTimestamp();
            var permit = await driver.Subject.Gate.TryAcquireAsync();
            var ticket = driver.Model.Acquire(now);
            GateSubject.AssertSameDecision(permit, ticket, driver.Step);
            if (ticket is { } granted)
            {
                await permit.ReportAsync(Outcome);
                driver.Model.Report(granted, Outcome, now);
            }
        }
    }

    /// <summary>An attempt that is admitted now and held until a <see cref="Finish"/> reports it.</summary>
    internal sealed record Start : ModelDriver<GateSubject>.Command
    {
        public override async ValueTask RunAsync(ModelDriver<GateSubject> driver)
        {
            var permit = await driver.Subject.Gate.TryAcquireAsync();
            var ticket = driver.Model.Acquire(driver.Time.GetTimestamp());
            GateSubject.AssertSameDecision(permit, ticket, driver.Step);
            if (ticket is { } hold)
            {
                driver.Subject.Held.Add((permit, hold));
            }
        }
    }

    /// <summary>Reports one of the held attempts (none when nothing is held).</summary>
    internal sealed record Finish(int Index, OutcomeClass Outcome) : ModelDriver<GateSubject>.Command
    {
        public override async ValueTask RunAsync(ModelDriver<GateSubject> driver)
        {
            var held = driver.Subject.Held;
            if (held.Count == 0)
            {
                return;
            }

            var now = driver.Time.GetTimestamp();
            var (permit, ticket) = held[Index % held.Count];
            held.RemoveAt(Index % held.Count);
            await permit.ReportAsync(Outcome);
            driver.Model.Report(ticket, Outcome, now);
        }
    }

    /// <summary>The breaker through the gate, with the attempts a <see cref="Start"/> holds.</summary>
    internal sealed class GateSubject(AttemptAwareCircuitBreakerGate gate) : IModelSubject
    {
        public AttemptAwareCircuitBreakerGate Gate { get; } = gate;

        public List<(BreakerPermit Permit, BreakerModel.Ticket Ticket)> Held { get; } = [];

        public static GateSubject Create(ModelDriver<GateSubject> driver)
        {
            var options = new AttemptAwareCircuitBreakerStrategyOptions();
            driver.ConfigureBreaker(options);
            return new GateSubject(new AttemptAwareCircuitBreakerGate(options, driver.Time));
        }

        public static void AssertSameDecision(BreakerPermit permit, BreakerModel.Ticket? ticket, int step)
        {
            Assert.True(permit.IsGranted == ticket.HasValue, $"step {step}: breaker granted {permit.IsGranted}, model {ticket.HasValue}");
            Assert.True(!permit.IsGranted || permit.IsProbe == ticket!.Value.Slot >= 0, $"step {step}: probe {permit.IsProbe} vs model slot {ticket?.Slot}");
        }

        public void Compare(ModelComparison comparison, BreakerModel model, long now)
        {
            var snapshot = Gate.GetSnapshot();
            comparison
                .Add("state", snapshot.State, model.State)
                .Add("totals", snapshot.TotalAttempts, model.Totals)
                .Add("rejections", snapshot.TotalRejections, model.Rejections)
                .Add("consecutive failures", snapshot.ConsecutiveFailures, model.Consecutive)
                .Add("probes in flight", snapshot.HalfOpenProbesInFlight, model.ProbesInFlight)
                .Add("window", snapshot.WindowAttempts, model.WindowCounts(now));
        }

        public void Dispose() => Gate.Dispose();
    }
}
