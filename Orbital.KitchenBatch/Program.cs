using Orbital.KitchenBatch.Apis;
using Orbital.KitchenBatch.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPingApi();

app.Run();
