/// The OpenAPI 3.1 document served at `/openapi.json`; `grammar/openapi.json` holds the same text,
/// byte for byte (a test keeps them together).
enum OpenAPIDocument {
    static let text = #"""
{
  "components": {
    "responses": {
      "Error": {
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "description": "An error: status, message, request id and the diagnostics behind it"
      }
    },
    "schemas": {
      "Error": {
        "properties": {
          "error": {
            "properties": {
              "diagnostics": {
                "items": {
                  "type": "object"
                },
                "type": "array"
              },
              "message": {
                "type": "string"
              },
              "request_id": {
                "type": "string"
              },
              "status": {
                "type": "integer"
              }
            },
            "required": [
              "status",
              "message",
              "request_id",
              "diagnostics"
            ],
            "type": "object"
          }
        },
        "required": [
          "error"
        ],
        "type": "object"
      }
    },
    "securitySchemes": {
      "bearer": {
        "scheme": "bearer",
        "type": "http"
      }
    }
  },
  "info": {
    "description": "charter serve: the /v1 API over CharterWorkflow. Without --tokens the server is read-only and every state change answers 401.",
    "title": "Charter governance service",
    "version": "1.0.0"
  },
  "openapi": "3.1.0",
  "paths": {
    "/metrics": {
      "get": {
        "operationId": "get_metrics",
        "responses": {
          "200": {
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "description": "metrics"
          }
        },
        "security": [],
        "summary": "Prometheus metrics (text exposition format 0.0.4)",
        "tags": [
          "service"
        ]
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "get_openapi_json",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        },
        "security": [],
        "summary": "This document",
        "tags": [
          "service"
        ]
      }
    },
    "/v1/approvals": {
      "post": {
        "operationId": "post_v1_approvals",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "by": {
                    "type": "string"
                  },
                  "override": {
                    "type": "string"
                  },
                  "plan": {
                    "type": "string"
                  },
                  "request": {
                    "type": "string"
                  },
                  "role": {
                    "type": "string"
                  },
                  "signature": {
                    "type": "string"
                  }
                },
                "required": [
                  "request",
                  "role",
                  "by",
                  "signature"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Verify a signed approval as a decision would and return its entry",
        "tags": [
          "approvals"
        ]
      }
    },
    "/v1/audit": {
      "get": {
        "operationId": "get_v1_audit",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "The audit chain, oldest first",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/audit:verify": {
      "post": {
        "operationId": "post_v1_audit_verify",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Verify the audit chain",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/budgets": {
      "get": {
        "operationId": "get_v1_budgets",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Every source's budget, as charter budget --format json",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/budgets/{source}": {
      "get": {
        "operationId": "get_v1_budgets_source",
        "parameters": [
          {
            "in": "path",
            "name": "source",
            "required": true,
            "schema": {
              "pattern": "^[A-Za-z0-9._:@-]{1,128}$",
              "type": "string"
            }
          },
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "One source's budget",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/certificates": {
      "get": {
        "operationId": "get_v1_certificates",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "The certificate catalogue",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/certificates/{action}": {
      "post": {
        "operationId": "post_v1_certificates_action",
        "parameters": [
          {
            "in": "path",
            "name": "action",
            "required": true,
            "schema": {
              "pattern": "^[A-Za-z0-9._:@-]{1,128}$",
              "type": "string"
            }
          },
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "reason": {
                    "type": "string"
                  }
                },
                "required": [
                  "reason"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "{id}:revoke \u2014 revoke a certificate (admin); the audit chain records the caller",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/certificates/{id}": {
      "get": {
        "operationId": "get_v1_certificates_id",
        "parameters": [
          {
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "pattern": "^[A-Za-z0-9._:@-]{1,128}$",
              "type": "string"
            }
          },
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "One certificate's record",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/certificates:verify": {
      "post": {
        "operationId": "post_v1_certificates_verify",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {}
            },
            "application/octet-stream": {
              "schema": {
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Verify a certificate's bytes against the registry",
        "tags": [
          "registry"
        ]
      }
    },
    "/v1/decisions": {
      "post": {
        "operationId": "post_v1_decisions",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "in": "query",
            "name": "explain",
            "required": false,
            "schema": {
              "enum": [
                "true",
                "false"
              ],
              "type": "string"
            }
          },
          {
            "in": "query",
            "name": "plan_digest",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            },
            "application/yaml": {
              "schema": {
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Decide one request manifest, as charter check --format json prints it",
        "tags": [
          "decisions"
        ]
      }
    },
    "/v1/decisions:batch": {
      "post": {
        "operationId": "post_v1_decisions_batch",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "requests": {
                    "items": {},
                    "type": "array"
                  }
                },
                "required": [
                  "requests"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Decide many manifests: {requests: [YAML string or JSON object]}",
        "tags": [
          "decisions"
        ]
      }
    },
    "/v1/health": {
      "get": {
        "operationId": "get_v1_health",
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        },
        "security": [],
        "summary": "Liveness and the number of runs pending",
        "tags": [
          "service"
        ]
      }
    },
    "/v1/lint": {
      "post": {
        "operationId": "post_v1_lint",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            },
            "application/yaml": {
              "schema": {
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Lint a policy or request; SARIF with Accept: application/sarif+json",
        "tags": [
          "lint"
        ]
      }
    },
    "/v1/plans": {
      "post": {
        "operationId": "post_v1_plans",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            },
            "application/yaml": {
              "schema": {
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Compile a manifest's plan: outcome ready, pending or denied, the digest and the plan",
        "tags": [
          "plans"
        ]
      }
    },
    "/v1/runs": {
      "post": {
        "operationId": "post_v1_runs",
        "parameters": [
          {
            "description": "A date (the start of that day in UTC) or an RFC 3339 time to act at; default the server's clock.",
            "in": "query",
            "name": "now",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            },
            "application/yaml": {
              "schema": {
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "202": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "queued"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          },
          "429": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "Plan a manifest and queue its run",
        "tags": [
          "runs"
        ]
      }
    },
    "/v1/runs/{id}": {
      "get": {
        "operationId": "get_v1_runs_id",
        "parameters": [
          {
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "pattern": "^[A-Za-z0-9._:@-]{1,128}$",
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        },
        "summary": "A run's status, stage, progress and outcome",
        "tags": [
          "runs"
        ]
      }
    }
  },
  "security": [
    {
      "bearer": []
    }
  ],
  "servers": [
    {
      "url": "http://127.0.0.1:8080"
    }
  ]
}
"""#
}
