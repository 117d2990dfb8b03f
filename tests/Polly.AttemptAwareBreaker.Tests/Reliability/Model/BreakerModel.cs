namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// A small reference model of the attempt-aware breaker, written for obviousness rather than speed: the sliding window is a plain
/// list of (bucket, class) entries, probe slots are an array. Every transition starts a new generation: an attempt's outcome is
/// counted in the totals and the window, but only an attempt admitted by the current generation counts for the trip rules and can
/// move the circuit. The property tests drive it and the real breaker with the same commands and compare them after every step.
/// </summary>
internal sealed class BreakerModel(BreakerModel.Settings settings)
{
    private const int Buckets = 10;
    private readonly List<(long Bucket, OutcomeClass Class, bool Judged)> _window = [];
    private readonly long[] _slotLease = new long[settings.Probes];
    private readonly long[] _slotAt = new long[settings.Probes];
    private long _nextLease;
    private int _halfOpenSuccesses;
    private long _openUntil;
    private long _generation;

    public CircuitState State { get; private set; } = CircuitState.Closed;

    public long[] Totals { get; } = new long[4];

    public long Rejections { get; private set; }

    public int Consecutive { get; private set; }

    public int ProbesInFlight => _slotLease.Count(l => l != 0);

    /// <summary>Asks to send an attempt at <paramref name="now"/>; returns the ticket, or null when the circuit rejects.</summary>
    public Ticket? Acquire(long now)
    {
        if (State == CircuitState.Open && now >= _openUntil)
        {
            Enter(CircuitState.HalfOpen);
        }

        switch (State)
        {
            case CircuitState.Closed:
                return new Ticket(-1, 0, _generation);
            case CircuitState.HalfOpen:
                for (var i = 0; i < _slotLease.Length; i++)
                {
                    if (_slotLease[i] != 0 && now - _slotAt[i] >= settings.BreakTicks)
                    {
                        _slotLease[i] = 0; // a probe that did not report within the break gives its slot up
                    }
                }

                for (var i = 0; i < _slotLease.Length; i++)
                {
                    if (_slotLease[i] == 0)
                    {
                        _slotLease[i] = ++_nextLease;
                        _slotAt[i] = now;
                        return new Ticket(i, _slotLease[i], _generation);
                    }
                }

                break;
        }

        Rejections++;
        return null;
    }

    public void Report(Ticket ticket, OutcomeClass outcome, long now)
    {
        var current = ticket.Generation == _generation;
        _window.Add((now / settings.BucketTicks, outcome, current));
        Totals[(int)outcome]++;
        if (!current)
        {
            return; // admitted before the latest transition: counted, but cannot move the circuit
        }

        var failure = outcome is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure;
        if (failure)
        {
            Consecutive++;
        }
        else if (outcome == OutcomeClass.Success)
        {
            Consecutive = 0;
        }

        if (State == CircuitState.HalfOpen && ticket.Slot >= 0 && _slotLease[ticket.Slot] == ticket.Lease)
        {
            _slotLease[ticket.Slot] = 0;
            if (outcome == OutcomeClass.Success && ++_halfOpenSuccesses >= settings.SuccessThreshold)
            {
                Close();
            }
            else if (failure)
            {
                Open(now);
            }

            return;
        }

        if (State != CircuitState.Closed || !failure)
        {
            return;
        }

        var (successes, failures) = WindowHealth(now);
        if ((settings.Consecutive is { } threshold && Consecutive >= threshold)
            || (successes + failures >= settings.MinimumThroughput && (double)failures / (successes + failures) >= settings.FailureRatio))
        {
            Open(now);
        }
    }

    public void Isolate() => Enter(CircuitState.Isolated);

    public void Close()
    {
        Enter(CircuitState.Closed);
        Consecutive = 0;
        _window.Clear();
    }

    public long[] WindowCounts(long now)
    {
        var counts = new long[4];
        foreach (var (_, cls, _) in InWindow(now))
        {
            counts[(int)cls]++;
        }

        return counts;
    }

    private IEnumerable<(long Bucket, OutcomeClass Class, bool Judged)> InWindow(long now)
        => _window.Where(e => e.Bucket > (now / settings.BucketTicks) - Buckets);

    private (long Successes, long Failures) WindowHealth(long now)
    {
        var judged = InWindow(now).Where(e => e.Judged).ToList();
        return (judged.Count(e => e.Class == OutcomeClass.Success), judged.Count(e => e.Class is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure));
    }

    private void Open(long now)
    {
        Enter(CircuitState.Open);
        _openUntil = now + settings.BreakTicks;
    }

    private void Enter(CircuitState state)
    {
        State = state;
        _generation++;
        Array.Clear(_slotLease);
        _halfOpenSuccesses = 0;
    }

    internal readonly record struct Ticket(int Slot, long Lease, long Generation);

    internal sealed record Settings(int? Consecutive, int MinimumThroughput, double FailureRatio, TimeSpan Break, int Probes, int SuccessThreshold, TimeSpan Sampling)
    {
        public long BreakTicks => Break.Ticks;

        public long BucketTicks => Math.Max(1, Sampling.Ticks / Buckets);

        public override string ToString()
            => $"consecutive {Consecutive?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off"}, minimum {MinimumThroughput}, ratio {FailureRatio}, break {Break.TotalSeconds} s, probes {Probes}, successes to close {SuccessThreshold}, window {Sampling.TotalSeconds} s";
    }
}
