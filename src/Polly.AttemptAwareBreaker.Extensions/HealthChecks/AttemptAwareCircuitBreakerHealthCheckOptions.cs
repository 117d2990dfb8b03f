using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Polly.AttemptAwareBreaker.HealthChecks;

/// <summary>
/// How the circuit breaker health check reports circuits that are not closed.
/// </summary>
public sealed class AttemptAwareCircuitBreakerHealthCheckOptions
{
    /// <summary>Gets or sets the status reported while any circuit is open.</summary>
    /// <value>The default is <see cref="HealthStatus.Degraded"/>: a downstream is failing, the service still answers.</value>
    public HealthStatus OpenStatus { get; set; } = HealthStatus.Degraded;

    /// <summary>Gets or sets the status reported while any circuit is half-open.</summary>
    /// <value>The default is <see cref="HealthStatus.Degraded"/>.</value>
    public HealthStatus HalfOpenStatus { get; set; } = HealthStatus.Degraded;

    /// <summary>Gets or sets the status reported while any circuit is isolated by an operator.</summary>
    /// <value>The default is <see cref="HealthStatus.Unhealthy"/>.</value>
    public HealthStatus IsolatedStatus { get; set; } = HealthStatus.Unhealthy;

    /// <summary>Gets or sets which breakers (by name) the check looks at.</summary>
    /// <value>The default value is <see langword="null"/>: every registered breaker.</value>
    public Func<string, bool>? Filter { get; set; }
}
