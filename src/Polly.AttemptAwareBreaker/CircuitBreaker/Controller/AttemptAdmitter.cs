using System.Runtime.CompilerServices;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Decides whether one attempt may go ahead in the circuit's current state, once the state machine has made the state change the
/// request causes: closed, unless an admission guard (adaptive throttling, recovery ramp) refuses it; half-open, while a probe slot is
/// free; open or isolated, never. A refusal is counted, and in shadow mode the attempt goes ahead all the same as a shadow attempt.
/// Not thread safe: executed under the state machine's lock.
/// </summary>
/// <remarks>
/// Each step is kept out of line with a small frame: inlined into one method, their tickets made a frame of hundreds of bytes that
/// every rejection paid to clear.
/// </remarks>
internal sealed class AttemptAdmitter
{
    private readonly CircuitHealth _health;
    private readonly ProbeSlots _probes;
    private readonly AdmissionGuards _guards;
    private readonly CircuitBreak _break;
    private readonly CircuitRejections _rejections;
    private readonly BreakerClock _clock;

    public AttemptAdmitter(CircuitHealth health, ProbeSlots probes, AdmissionGuards guards, CircuitBreak circuitBreak, CircuitRejections rejections, BreakerClock clock)
    {
        _health = health;
        _probes = probes;
        _guards = guards;
        _break = circuitBreak;
        _rejections = rejections;
        _clock = clock;
    }

    /// <summary>Admits or refuses one attempt.</summary>
    /// <param name="state">The circuit's state after <paramref name="transition"/>.</param>
    /// <param name="generation">The circuit's generation, which the ticket carries.</param>
    /// <param name="settings">The breaker's settings.</param>
    /// <param name="operation">The attempt's operation, or <see langword="null"/> for a single-attempt operation.</param>
    /// <param name="attemptNumber">The attempt's number within its operation.</param>
    /// <param name="now">A timestamp of the breaker's clock: the attempt's start.</param>
    /// <param name="transition">The state change the request caused, which the admission carries to the caller.</param>
    /// <returns>The ticket or the rejection.</returns>
    public Admission Admit(CircuitState state, long generation, BreakerSettings settings, OperationRecord? operation, int attemptNumber, long now, Transition transition)
        => state switch
        {
            CircuitState.Closed => AdmitClosed(generation, settings, operation, attemptNumber, now, transition),
            CircuitState.HalfOpen => AdmitProbe(generation, settings, operation, attemptNumber, now, transition),
            _ => Reject(BreakRejection(state, now), settings, operation, attemptNumber, now, transition),
        };

    /// <summary>Gives back the slot of a probe the fleet refused: it is never sent and counts as a rejection.</summary>
    /// <param name="ticket">The probe's ticket.</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The rejection, as for a half-open circuit whose slots are all taken.</returns>
    public BrokenCircuitException Abandon(in AttemptTicket ticket, long now)
    {
        _probes.Abandon(ticket);
        _health.CountRejection(now);
        ticket.Operation?.Attempts = ticket.AttemptNumber;
        return _rejections.HalfOpen(_break.Length, _health.LastFailureException);
    }

    /// <summary>The rejection of an open or isolated circuit: <c>RetryAfter</c> is the time left in the break.</summary>
    private ExecutionRejectedException BreakRejection(CircuitState state, long now)
        => _rejections.For(state, _break.Remaining(now), _health.LastFailureException);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Admission AdmitClosed(long generation, BreakerSettings settings, OperationRecord? operation, int attemptNumber, long now, Transition transition)
    {
        if (_guards.Refuses(now, settings.Randomizer, out var byRamp, out var retryAfterTicks))
        {
            var refusal = _rejections.Refused(byRamp, _clock.Elapsed(0, retryAfterTicks), _health.LastFailureException);
            return Reject(refusal, settings, operation, attemptNumber, now, transition);
        }

        _health.Start(now);
        operation?.Attempts = attemptNumber + 1;
        return new Admission(new AttemptTicket(operation, attemptNumber, now, generation), transition);
    }

    /// <summary>Takes a probe slot; the rejection when none is free says when one frees up at the latest.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Admission AdmitProbe(long generation, BreakerSettings settings, OperationRecord? operation, int attemptNumber, long now, Transition transition)
    {
        if (_probes.TryTake(now, _break.Ticks, out var slot, out var lease))
        {
            operation?.Attempts = attemptNumber + 1;
            return new Admission(new AttemptTicket(operation, attemptNumber, now, generation, slot, lease, fleetSlot: -1), transition);
        }

        var retryAfter = _clock.Elapsed(now, _probes.EarliestExpiry(now, _break.Ticks));
        return Reject(_rejections.For(CircuitState.HalfOpen, retryAfter, _health.LastFailureException), settings, operation, attemptNumber, now, transition);
    }

    private Admission Reject(ExecutionRejectedException rejection, BreakerSettings settings, OperationRecord? operation, int attemptNumber, long now, Transition transition)
    {
        _health.CountRejection(now);
        return settings.IsShadow ? AdmitShadow(operation, attemptNumber, now, transition) : new Admission(rejection, transition);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Admission AdmitShadow(OperationRecord? operation, int attemptNumber, long now, Transition transition)
    {
        operation?.Attempts = attemptNumber + 1;
        return new Admission(AttemptTicket.Shadow(operation, attemptNumber, now), transition);
    }
}
