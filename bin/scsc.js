#!/usr/bin/env node
import '../dist/cli/scsc.js';
