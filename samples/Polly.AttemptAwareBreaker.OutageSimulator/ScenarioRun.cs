using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// One row's run of one scenario: the fake clock, the downstream, the client and the operations started. Virtual time moves in
/// <see cref="Tick"/>s; whatever the pipelines and the downstream wait for runs when the clock reaches it.
/// </summary>
internal sealed class ScenarioRun
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly FakeTimeProvider _time = new();

    public ScenarioRun(SimulatorRow row, Func<TimeSpan, HttpStatusCode> behaviour, Configurations.Settings settings, TimeSpan latency = default)
        : this(row, behaviour, settings, _ => latency)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScenarioRun"/> class whose downstream's latency depends on when a call arrives.</summary>
    public ScenarioRun(SimulatorRow row, Func<TimeSpan, HttpStatusCode> behaviour, Configurations.Settings settings, Func<TimeSpan, TimeSpan> latency)
    {
        Downstream = new SimulatedDownstream(_time, behaviour, latency);
        Client = Configurations.Create(row, _time, Downstream, settings);
    }

    public SimulatedDownstream Downstream { get; }

    public SimulatedClient Client { get; }

    public List<SimulatedOperation> Operations { get; } = [];

    public TimeSpan Now => Downstream.Now;

    /// <summary>Gets the operations started and not yet finished.</summary>
    public int OperationsInFlight { get; private set; }

    /// <summary>Gets the most operations in flight at once so far.</summary>
    public int PeakOperationsInFlight { get; private set; }

    public SimulatedOperation Start()
    {
        var operation = new SimulatedOperation { Started = Now };
        Operations.Add(operation);
        OperationsInFlight++;
        PeakOperationsInFlight = Math.Max(PeakOperationsInFlight, OperationsInFlight);
        _ = operation.TrackAsync(Client.SendAsync(operation.Attempts), () => Now, () => OperationsInFlight--);
        return operation;
    }

    /// <summary>Open-loop load: starts operations at a fixed rate, whatever happens to earlier ones.</summary>
    public void Drive(double ratePerSecond, TimeSpan duration, Func<bool>? stopWhen = null)
    {
        var due = 0.0;
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += Tick)
        {
            due += ratePerSecond * Tick.TotalSeconds;
            for (; due >= 1 - 1e-9; due--)
            {
                Start();
            }

            _time.Advance(Tick);
            if (stopWhen?.Invoke() == true)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Closed-loop load: each caller sends, waits for the outcome (a success, a failure or a rejection alike) and its think time, and sends
    /// again. The callers send their first operation together, or spread evenly over <paramref name="firstSendsOver"/>.
    /// </summary>
    public void ClosedLoop(int callers, TimeSpan thinkTime, TimeSpan duration, Action onTick, TimeSpan firstSendsOver = default)
    {
        var nextSend = Enumerable.Range(0, callers).Select(c => firstSendsOver * c / callers).ToArray();
        var current = new SimulatedOperation?[callers];
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += Tick)
        {
            for (var c = 0; c < callers; c++)
            {
                if (current[c] is { IsCompleted: true } done)
                {
                    nextSend[c] = done.Finished + thinkTime;
                    current[c] = null;
                }

                if (current[c] is null && Now >= nextSend[c])
                {
                    current[c] = Start();
                }
            }

            _time.Advance(Tick);
            onTick();
        }

        Drain();
    }

    /// <summary>Lets virtual time run (up to 5 minutes) until every started operation has finished.</summary>
    public void Drain()
    {
        for (var i = 0; i < 30_000 && OperationsInFlight > 0; i++)
        {
            _time.Advance(Tick);
        }

        if (OperationsInFlight > 0)
        {
            throw new InvalidOperationException(
                $"{Client.Name}: {OperationsInFlight} operation(s) still running after 5 virtual minutes; downstream calls {Downstream.Calls}, circuit {Client.State()}.");
        }
    }
}
