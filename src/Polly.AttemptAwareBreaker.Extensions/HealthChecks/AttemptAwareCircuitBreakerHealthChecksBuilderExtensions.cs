using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the health check of the attempt-aware circuit breakers.
/// </summary>
public static class AttemptAwareCircuitBreakerHealthChecksBuilderExtensions
{
    /// <summary>The default name of the health check.</summary>
    public const string DefaultName = "attempt-aware-circuit-breakers";

    /// <summary>
    /// Adds a health check that reports the registered circuits: healthy while all are closed, degraded or unhealthy (configurable) while
    /// any is open, half-open or isolated, with each breaker's state and window counts as data.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the status per circuit state and which breakers to look at; optional.</param>
    /// <param name="name">The name of the check.</param>
    /// <param name="tags">Tags to filter checks by; optional.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddAttemptAwareCircuitBreakerHealthCheck(
        this IHealthChecksBuilder builder,
        Action<AttemptAwareCircuitBreakerHealthCheckOptions>? configure = null,
        string name = DefaultName,
        IEnumerable<string>? tags = null)
    {
        Guard.NotNull(builder);
        Guard.NotNull(name);

        builder.Services.AddAttemptAwareCircuitBreakers();
        var options = new AttemptAwareCircuitBreakerHealthCheckOptions();
        configure?.Invoke(options);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new AttemptAwareCircuitBreakerHealthCheck(services.GetRequiredService<AttemptAwareCircuitBreakerRegistry>(), options),
            failureStatus: null,
            tags));
    }
}
