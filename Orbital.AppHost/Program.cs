using Microsoft.Extensions.Configuration;
using Orbital.AppHost.Hosting;
using Orbital.AppHost.Simulation;

var builder = DistributedApplication.CreateBuilder(args);

// What MongoDB and PostgreSQL are is decided here, once: with Docker they are containers, on our build
// machines PostgreSQL runs from the local binaries (MongoDB from the in-memory emulator, for development), and a
// configured connection string always wins.
var machine = new HostMachine(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"]);
var plan = HostingPlan.Resolve(builder.Configuration, builder.ExecutionContext.IsPublishMode, machine);

// Orders to look at on a development machine: dashboard commands on the orders database, and a simulator.
var orders = builder.AddOrdersDatabase(plan.MongoDB, machine)?.WithOrderSimulator();
var kitchenDatabase = builder.AddKitchenDatabase(plan.PostgreSQL, machine);

// The kitchen's secrets: generated once for development (kept in the AppHost's user secrets), asked for on deploy.
var managerKey = builder.AddSecretKey("kitchen-manager-key");
var intakeKey = builder.AddSecretKey("kitchen-intake-key");

// Health details (hosts, errors) for callers from elsewhere: a key of its own, so that the order service, which may
// not manage the kitchen, never holds the manager key.
var healthKey = builder.AddSecretKey("health-details-key");

// Screens reach the kitchen's HTTP endpoint (board, REST, SSE) from outside, behind device tokens; its gRPC
// endpoint stays internal, behind the intake key.
var kitchen = builder.AddProject<Projects.Orbital_KitchenBatch>("kitchen-batch")
    .WithDependency(kitchenDatabase, plan.PostgreSQL)
    .WithEnvironment("Kitchen__Auth__ManagerKey", managerKey)
    .WithEnvironment("Kitchen__Auth__IntakeKey", intakeKey)
    .WithEnvironment("Health__DetailsKey", healthKey)
    .WithEndpoint("http", endpoint => endpoint.IsExternal = true)
    .WithHttpHealthCheck("/health", endpointName: "http")
    .WithSampleMenu()
    .WithPairingCommands(managerKey)
    .WithSimulatedCooks(managerKey)
    .WithReplicas(Replicas("Kitchen"));

// The order service does not wait for the kitchen: it holds each order and retries until the kitchen answers.
builder.AddProject<Projects.Orbital_OrderManagement>("order-management")
    .WithDependency(orders, plan.MongoDB)
    .WithReference(kitchen)
    .WithEnvironment("OrderListener__Forwarding__IntakeKey", intakeKey)
    .WithEnvironment("Health__DetailsKey", healthKey)
    .WithHttpHealthCheck("/health", endpointName: "http")
    .WithEmulatorReadFromBeginning(plan.MongoDB)
    .WithReplicas(Replicas("OrderManagement"));

builder.Build().Run();

// How many instances of a service run (Orbital:Replicas:Kitchen, Orbital:Replicas:OrderManagement; 1 by default), as
// the cloud runs several: kitchens share the database and hear each other, order services elect one listener.
int Replicas(string service) => Math.Clamp(builder.Configuration.GetValue($"Orbital:Replicas:{service}", 1), 1, 10);
