using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

namespace Polly.AttemptAwareBreaker.SharedState;

/// <summary>
/// The other instances' health as of the latest exchange, summed, and the quorum's judgement of each instance: an instance is
/// <em>failing</em> when its own window would trip the breaker's rules with the minimum throughput lowered to half its even share among
/// the active instances (max(2, ⌈minimum / (2 × active)⌉) attempts), or its own run of failures reaches the consecutive threshold.
/// Not thread safe: used under the fleet link's lock.
/// </summary>
internal sealed class FleetJudge
{
    private const int MinimumOwnAttempts = 2;

    private TripRuleSet? _rules;
    private BreakerSettings? _rulesOf;
    private int _othersFailingIfSelfIdle;
    private int _othersFailingIfSelfActive;

    /// <summary>Gets the successful attempts of the other instances whose circuit is closed.</summary>
    public long Successes { get; private set; }

    /// <summary>Gets the failed attempts of the other instances whose circuit is closed.</summary>
    public long Failures { get; private set; }

    /// <summary>Gets the slow attempts of the other instances whose circuit is closed.</summary>
    public long Slow { get; private set; }

    /// <summary>Gets the other instances with attempts in their window.</summary>
    public int Active { get; private set; }

    /// <summary>Takes the other instances' health from an exchange and judges each of them.</summary>
    /// <param name="others">The other instances (this one excluded).</param>
    /// <param name="settings">The breaker's settings.</param>
    public void Update(IReadOnlyList<InstanceHealth> others, BreakerSettings settings)
    {
        long successes = 0, failures = 0, slow = 0;
        var active = 0;
        foreach (var other in others)
        {
            // An open circuit's window holds the attempts that opened it: they count towards the quorum, not the fleet's counts.
            if (!other.IsCircuitOpen)
            {
                successes += other.Successes;
                failures += other.Failures;
                slow += other.Slow;
            }

            active += other.Throughput > 0 ? 1 : 0;
        }

        (Successes, Failures, Slow, Active) = (successes, failures, slow, active);

        // Whether this instance is active changes each one's share of the minimum throughput: judge the others both ways.
        _othersFailingIfSelfIdle = _othersFailingIfSelfActive = 0;
        foreach (var other in others)
        {
            var sample = new HealthSample(other.Successes, other.Failures, other.ConsecutiveFailures, other.Slow);
            _othersFailingIfSelfIdle += IsFailing(sample, active, settings) ? 1 : 0;
            _othersFailingIfSelfActive += IsFailing(sample, active + 1, settings) ? 1 : 0;
        }
    }

    /// <summary>Forgets the other instances (the store stopped answering).</summary>
    public void Clear() => (Successes, Failures, Slow, Active, _othersFailingIfSelfIdle, _othersFailingIfSelfActive) = (0, 0, 0, 0, 0, 0);

    /// <summary>Gets the failing instances among the others.</summary>
    /// <param name="selfActive">Whether this instance has attempts in its window (it then takes a share of the minimum throughput).</param>
    /// <returns>The count.</returns>
    public int OthersFailing(bool selfActive) => selfActive ? _othersFailingIfSelfActive : _othersFailingIfSelfIdle;

    /// <summary>Judges one instance's own health.</summary>
    /// <param name="own">The instance's window and run of failures.</param>
    /// <param name="activeInstances">The active instances among which the minimum throughput is shared.</param>
    /// <param name="settings">The breaker's settings.</param>
    /// <returns><see langword="true"/> when the instance is failing.</returns>
    public bool IsFailing(in HealthSample own, int activeInstances, BreakerSettings settings)
    {
        // Multiplying the counts keeps every ratio and divides each rule's minimum throughput by the factor. Half the even share, not the
        // whole: when the fleet's counts just reach the minimum in an outage every instance sees, about half the instances are still
        // below their even share (their counts reach the others a flush late), and the quorum would lag the fleet's counts by a flush.
        var scaled = own.Scaled(2 * Math.Max(1, activeInstances));
        var enough = own.Throughput + own.Overdue >= MinimumOwnAttempts;
        foreach (var rule in Rules(settings).Rules)
        {
            var decision = rule.Evaluate(scaled);
            if (decision.Trips && (enough || decision.Reason == CircuitStateChangeReason.ConsecutiveFailures))
            {
                return true;
            }
        }

        return false;
    }

    private TripRuleSet Rules(BreakerSettings settings)
    {
        if (_rules is null || !ReferenceEquals(settings, _rulesOf))
        {
            _rules = new TripRuleSet(settings);
            _rulesOf = settings;
        }

        return _rules;
    }
}
